/**
 * The arithmetic: sparse and dense matrix-vector and matrix-matrix kernels with a fused bias
 * and activation, in C++ SIMD (scalar, AVX2, AVX-512, NEON, chosen at run time) through
 * JavaCPP, and in plain Java as the reference and the fallback when the native library does
 * not load. Kernels trust their inputs; the engine validates them first.
 */
package org.sparsenn.kernel;

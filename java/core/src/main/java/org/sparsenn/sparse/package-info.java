/**
 * Weight storage: CSR matrices with 32- or 16-bit column indices, dense and panel-packed
 * matrices, the partition of rows into ranges balanced by nonzeros, and seeded random weights
 * for tests and benchmarks. The layout invariants are documented at the top of
 * {@link org.sparsenn.sparse.CsrMatrix}.
 */
package org.sparsenn.sparse;

/**
 * Reading models: {@link org.sparsenn.io.ModelReader} picks the reader for a file (ONNX,
 * NumPy {@code .npz}, safetensors, sparsenn's own {@code .snn}) and sets it up on first use;
 * anything wrong with a file is a {@link org.sparsenn.io.ModelFormatException} naming where.
 * Also NumPy {@code .npy} arrays in and out.
 */
package org.sparsenn.io;

/**
 * ONNX: {@link org.sparsenn.io.onnx.OnnxReader} reads feed-forward graphs as PyTorch exports
 * them (folding BatchNormalization and constant normalisation into the weights), and
 * {@link org.sparsenn.io.onnx.OnnxWriter} exports networks, pruned ones included, for any ONNX
 * runtime.
 */
package org.sparsenn.io.onnx;

/**
 * The {@code .snn} format: a checksummed file of dense or CSR layers with JSON metadata and
 * provenance, written by {@link org.sparsenn.io.snn.SnnWriter} and read, or memory-mapped so
 * CSR layers run from the mapping, by {@link org.sparsenn.io.snn.MappedSnnFile}.
 */
package org.sparsenn.io.snn;

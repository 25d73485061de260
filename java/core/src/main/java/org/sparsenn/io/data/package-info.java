/**
 * Data sets for training and evaluation: IDX folders (MNIST, Fashion-MNIST), CSV files and
 * NumPy {@code X.npy}/{@code y.npy} pairs, checked as they are read.
 */
package org.sparsenn.io.data;

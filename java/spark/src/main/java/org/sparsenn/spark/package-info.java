/**
 * Scoring Spark DataFrames with a sparsenn model: {@link org.sparsenn.spark.SparsennModel}, a
 * Spark ML {@code Transformer} that fits in a {@code Pipeline}, and {@link
 * org.sparsenn.spark.Score}, the {@code spark-submit} entry point. The model's bytes are
 * broadcast once; each executor JVM builds one thread-safe {@link org.sparsenn.engine.Session}
 * per model, shared by its tasks, and scores each partition in batches.
 */
package org.sparsenn.spark;

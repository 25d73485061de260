/**
 * The {@code sweep} command's machinery: prune a model at each level by each method, measure
 * accuracy and latency, and write the table, CSV, JSON, markdown report and chart.
 */
package org.sparsenn.cli.sweep;

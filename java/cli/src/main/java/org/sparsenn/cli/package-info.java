/**
 * The {@code sparsenn} command line ({@code java -jar sparsenn.jar}): {@code sweep},
 * {@code prune}, {@code train}, {@code eval}, {@code infer}, {@code inspect}, {@code convert},
 * {@code bench} and {@code sensitivity}. Not an API: the commands are package-private.
 */
package org.sparsenn.cli;

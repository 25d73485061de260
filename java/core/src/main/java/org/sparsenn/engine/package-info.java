/**
 * Running networks: a thread-safe {@link org.sparsenn.engine.Session} created from a network
 * and {@link org.sparsenn.engine.SessionOptions}, whose {@link org.sparsenn.engine.Planner}
 * chooses per layer among dense and sparse methods from measured machine figures, and explains
 * its choice in a {@link org.sparsenn.engine.Plan}.
 */
package org.sparsenn.engine;

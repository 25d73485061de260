package org.sparsenn.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.sparsenn.engine.Session;

/**
 * The sessions of one JVM (an executor, or the driver in local mode): one per model and
 * options, built on first use, shared by every task (a {@link Session} is thread-safe), and
 * closed when the JVM exits. Tasks never build or close a session themselves.
 */
final class ExecutorSessions {
  private static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(
        new Thread(ExecutorSessions::closeAll, "sparsenn-close-sessions"));
  }

  private ExecutorSessions() {}

  /**
   * The session for {@code key}, built by {@code build} if this JVM has none yet; a build that
   * throws leaves nothing behind, so the next task tries again.
   */
  static Session get(String key, Supplier<Session> build) {
    return SESSIONS.computeIfAbsent(key, k -> build.get());
  }

  /** How many sessions this JVM holds (tests check that tasks share them). */
  static int size() {
    return SESSIONS.size();
  }

  private static void closeAll() {
    // close() waits for runs still in flight, so a task finishing now is not cut off.
    SESSIONS.values().forEach(Session::close);
    SESSIONS.clear();
  }
}

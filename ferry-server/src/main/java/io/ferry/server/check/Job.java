package io.ferry.server.check;

import java.util.Map;

/**
 * Work a service runs on its source on a thread of its own (a check, a repair, a provisioning), one
 * at a time: its id, whether it runs, a stop request, and its progress as plain values ({@code id},
 * {@code kind}, {@code state}, {@code tables}, {@code rows}, {@code estimatedRows}, {@code
 * seconds}, {@code finished}, ...). Implementations are thread-safe.
 */
public interface Job {
  String id();

  boolean running();

  void stop();

  Map<String, Object> status();
}

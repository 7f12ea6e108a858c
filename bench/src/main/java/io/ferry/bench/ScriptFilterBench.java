package io.ferry.bench;

import java.time.Duration;
import java.util.List;

/** Scripted filters' speed and startup (filled in once the engines land). */
final class ScriptFilterBench {
  private ScriptFilterBench() {}

  static void run(Duration duration, List<String> summary) {}
}

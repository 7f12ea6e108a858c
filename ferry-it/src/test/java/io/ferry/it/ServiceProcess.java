package io.ferry.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Test helper: a service run as its own JVM ({@code ferry service run --config FILE}), or a whole
 * replicator ({@code ferry replicator run --config-dir DIR}, {@link #replicator}), so it can be
 * killed with SIGKILL like a real process. Output goes to a log file next to the configuration.
 */
final class ServiceProcess {
  private final Path config;
  private final Path log;
  private final List<String> firstJvmOptions;
  private final List<String> ferryArgs;
  private final List<String> jvmOptions;
  private Process process;
  private int starts;

  ServiceProcess(Path config) {
    this(config, List.of());
  }

  /** With JVM options for its first start only (a failpoint, say). */
  ServiceProcess(Path config, List<String> firstJvmOptions) {
    this(
        config,
        config.resolveSibling(config.getFileName() + ".log"),
        List.of("service", "run", "--config", config.toString()),
        List.of("-Xmx256m"),
        firstJvmOptions);
  }

  private ServiceProcess(
      Path config,
      Path log,
      List<String> ferryArgs,
      List<String> jvmOptions,
      List<String> firstJvmOptions) {
    this.config = config;
    this.log = log;
    this.ferryArgs = List.copyOf(ferryArgs);
    this.jvmOptions = List.copyOf(jvmOptions);
    this.firstJvmOptions = List.copyOf(firstJvmOptions);
  }

  /**
   * The replicator of configuration directory {@code dir} (every service file in {@code
   * DIR/services}), logging to {@code DIR/replicator.log}.
   */
  static ServiceProcess replicator(Path dir) {
    return new ServiceProcess(
        dir,
        dir.resolve("replicator.log"),
        List.of("replicator", "run", "--config-dir", dir.toString()),
        List.of("-Xmx512m"),
        List.of());
  }

  void start() throws IOException {
    start(starts == 0 ? firstJvmOptions : List.of());
  }

  void start(List<String> jvmOptions) throws IOException {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(this.jvmOptions);
    cmd.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.ferry.cli.Main"));
    cmd.addAll(ferryArgs);
    process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    starts++;
  }

  /** SIGKILL, and wait until it is gone. */
  void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  /** Its exit status if it has ended, else null. */
  Integer exitStatus() {
    return process != null && !process.isAlive() ? process.exitValue() : null;
  }

  /** Whether it ended by itself (it failed): that is a test failure, with its log. */
  void checkAlive() throws IOException {
    if (process != null && !process.isAlive()) {
      throw new AssertionError(
          config.getFileName()
              + " exited by itself with status "
              + process.exitValue()
              + " after "
              + starts
              + " starts; log tail:\n"
              + tail());
    }
  }

  String tail() throws IOException {
    if (!Files.exists(log)) {
      return "";
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  Path log() {
    return log;
  }

  /** How many lines of its log (all its starts) contain {@code text}. */
  long count(String text) throws IOException {
    if (!Files.exists(log)) {
      return 0;
    }
    try (java.util.stream.Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
      return lines.filter(l -> l.contains(text)).count();
    }
  }

  /** Copies its log to {@code to} (a file), for a look after the test's directory is gone. */
  void keepLog(Path to) throws IOException {
    if (Files.exists(log)) {
      Files.createDirectories(to.toAbsolutePath().getParent());
      Files.copy(log, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** SIGTERM (a clean offline), then SIGKILL if it does not end in 30 s. */
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}

package io.ferry.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Starts, finds and stops one server process. A server runs in its own session ({@code setsid}), so
 * it survives the command that started it and is not hit by a Ctrl-C in the terminal. Ferry records
 * its process id in the node's {@code server.pid}; a process counts as the node's server only if
 * its command line names the node's directory, so a recycled process id is never mistaken for a
 * server (nor signalled).
 */
final class ServerProcess {
  private ServerProcess() {}

  /** What to run and how to tell that it is ready or has failed. */
  record Launch(
      String description,
      List<String> command,
      Path outputFile,
      Path logFile,
      String readyMarker,
      Predicate<String> isErrorLine,
      Duration timeout) {}

  static void start(Node node, Launch launch) {
    long logOffset = size(launch.logFile());
    List<String> command = new ArrayList<>();
    command.add("setsid");
    command.addAll(launch.command());
    Process process;
    try {
      Files.createDirectories(node.path());
      process =
          new ProcessBuilder(command)
              .directory(node.path().toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.outputFile().toFile()))
              .redirectErrorStream(true)
              .start();
      Files.writeString(node.pidFile(), process.pid() + "\n", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new SandboxException(
          "cannot start " + launch.description() + " (" + command.get(1) + "): " + e.getMessage(),
          e);
    }
    long deadline = System.nanoTime() + launch.timeout().toNanos();
    while (true) {
      String newLog = readFrom(launch.logFile(), logOffset);
      if (newLog.contains(launch.readyMarker()) && process.isAlive()) {
        return;
      }
      if (!process.isAlive()) {
        deletePidFile(node);
        throw failure(node, launch, logOffset, "exited with status " + process.exitValue());
      }
      if (System.nanoTime() > deadline) {
        process.destroyForcibly();
        Os.awaitExit(process.pid(), Duration.ofSeconds(10));
        deletePidFile(node);
        throw failure(
            node,
            launch,
            logOffset,
            "was not ready after " + launch.timeout().toSeconds() + " s and was killed");
      }
      Os.sleep(Duration.ofMillis(20));
    }
  }

  private static ServerStartException failure(
      Node node, Launch launch, long logOffset, String what) {
    String newLog = readFrom(launch.logFile(), logOffset);
    List<String> errors = newLog.lines().filter(launch.isErrorLine()).toList();
    boolean portInUse = newLog.contains("Address already in use");
    StringBuilder message = new StringBuilder();
    message
        .append(launch.description())
        .append(" (127.0.0.1:")
        .append(node.port())
        .append(") did not start: ")
        .append("the server ")
        .append(what)
        .append('.');
    if (portInUse) {
      message
          .append("\nPort ")
          .append(node.port())
          .append(" on 127.0.0.1 is in use by another process.");
    }
    if (!errors.isEmpty()) {
      message.append("\nThe server reported:\n").append(Os.indent(String.join("\n", errors)));
    }
    message
        .append("\nLast lines of ")
        .append(launch.logFile())
        .append(":\n")
        .append(Os.indent(Os.tail(launch.logFile(), 15)));
    if (!launch.outputFile().equals(launch.logFile())) {
      String console = Os.tail(launch.outputFile(), 5);
      if (!console.isBlank() && !console.startsWith("(")) {
        message
            .append("\nLast lines of ")
            .append(launch.outputFile())
            .append(":\n")
            .append(Os.indent(console));
      }
    }
    return new ServerStartException(message.toString(), portInUse);
  }

  /** The process id of the node's running server, if it runs. */
  static OptionalLong runningPid(Node node) {
    OptionalLong recorded = recordedPid(node);
    if (recorded.isEmpty()) {
      return OptionalLong.empty();
    }
    long pid = recorded.getAsLong();
    if (!Os.isAlive(pid) || !belongsTo(pid, node)) {
      return OptionalLong.empty();
    }
    return recorded;
  }

  private static boolean belongsTo(long pid, Node node) {
    String dir = node.dir();
    return Os.commandLine(pid).stream().anyMatch(arg -> arg.contains(dir));
  }

  private static OptionalLong recordedPid(Node node) {
    try {
      String text = Files.readString(node.pidFile(), StandardCharsets.US_ASCII).trim();
      return OptionalLong.of(Long.parseLong(text));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Stops the node's server with the given signal and waits for it to exit; if it is still running
   * after the timeout it is killed. Returns false if it was not running.
   */
  static boolean stop(Node node, String signal, Duration timeout) {
    OptionalLong pid = runningPid(node);
    if (pid.isEmpty()) {
      deletePidFile(node);
      return false;
    }
    Os.signal(pid.getAsLong(), signal);
    if (!Os.awaitExit(pid.getAsLong(), timeout)) {
      Os.signal(pid.getAsLong(), "KILL");
      if (!Os.awaitExit(pid.getAsLong(), Duration.ofSeconds(10))) {
        throw new SandboxException(
            "server process " + pid.getAsLong() + " in " + node.dir() + " does not exit");
      }
    }
    deletePidFile(node);
    return true;
  }

  /** Kills the node's server at once (SIGKILL), as a crash would. */
  static boolean kill(Node node) {
    return stop(node, "KILL", Duration.ofSeconds(10));
  }

  private static void deletePidFile(Node node) {
    try {
      Files.deleteIfExists(node.pidFile());
    } catch (IOException ignored) {
      // a stale pid file is harmless: runningPid checks the process's command line
    }
  }

  private static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static String readFrom(Path file, long offset) {
    if (!Files.exists(file)) {
      return "";
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      if (length <= offset) {
        return "";
      }
      byte[] bytes = new byte[(int) Math.min(length - offset, 4 << 20)];
      raf.seek(offset);
      raf.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}

package io.ferry.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Small operating-system helpers the sandbox needs: programs, processes, files. Stateless. */
final class Os {
  private Os() {}

  /** The result of a program that ran to completion. */
  record Result(int exitCode, String output) {}

  /** Whether this process runs as the superuser (uid 0). */
  static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /**
   * Runs a program to completion and returns its exit code and combined output. Throws if it cannot
   * be started or does not finish in time (it is killed then).
   */
  static Result run(List<String> command, Duration timeout) {
    Path output = null;
    try {
      output = Files.createTempFile("ferry-cmd", ".out");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new SandboxException(
            "'"
                + String.join(" ", command)
                + "' did not finish within "
                + timeout.toSeconds()
                + " s; its output so far:\n"
                + indent(Files.readString(output, StandardCharsets.UTF_8)));
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SandboxException(
          "cannot run '" + String.join(" ", command) + "': " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException("interrupted while running '" + command.get(0) + "'", e);
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException ignored) {
          // a temporary file that outlives us is harmless
        }
      }
    }
  }

  /** Looks a program up in the given directories, then (if asked) on the PATH. */
  static Optional<Path> findProgram(String name, List<Path> preferredDirs, boolean searchPath) {
    List<Path> dirs = new ArrayList<>(preferredDirs);
    String pathVar = searchPath ? System.getenv("PATH") : null;
    if (pathVar != null) {
      for (String entry : pathVar.split(":", -1)) {
        if (!entry.isEmpty()) {
          dirs.add(Path.of(entry));
        }
      }
    }
    for (Path dir : dirs) {
      Path candidate = dir.resolve(name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The command line of a running process, or empty if there is no such process. */
  static List<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      String text = new String(raw, StandardCharsets.UTF_8);
      return Arrays.stream(text.split("\0", -1)).filter(s -> !s.isEmpty()).toList();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Sends a signal by name (TERM, INT, KILL) to a process. */
  static void signal(long pid, String signal) {
    Result result = run(List.of("kill", "-s", signal, Long.toString(pid)), Duration.ofSeconds(10));
    if (result.exitCode() != 0 && isAlive(pid)) {
      throw new SandboxException(
          "cannot send SIG" + signal + " to process " + pid + ": " + result.output().trim());
    }
  }

  /** Waits until a process has exited; returns false if it is still running after the timeout. */
  static boolean awaitExit(long pid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (isAlive(pid)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      sleep(Duration.ofMillis(20));
    }
    return true;
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException("interrupted", e);
    }
  }

  /** The last lines of a text file, or a note that it does not exist. */
  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (NoSuchFileException e) {
      return "(" + file + " does not exist)";
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  static String indent(String text) {
    return text.strip()
        .lines()
        .map(line -> "    " + line)
        .reduce((a, b) -> a + "\n" + b)
        .orElse("");
  }

  /** Deletes a directory tree; a missing tree is not an error. */
  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    // rm handles files owned by other users (root deleting postgres-owned data) and deep trees.
    Result result =
        run(List.of("rm", "-rf", "--one-file-system", root.toString()), Duration.ofMinutes(2));
    if (result.exitCode() != 0) {
      throw new SandboxException("cannot delete " + root + ": " + result.output().trim());
    }
  }

  /**
   * Copies a directory tree, keeping modes and owners (so a PostgreSQL data directory stays 0700).
   */
  static void copyTree(Path from, Path to) {
    Result result = run(List.of("cp", "-a", from.toString(), to.toString()), Duration.ofMinutes(2));
    if (result.exitCode() != 0) {
      throw new SandboxException(
          "cannot copy " + from + " to " + to + ": " + result.output().trim());
    }
  }
}

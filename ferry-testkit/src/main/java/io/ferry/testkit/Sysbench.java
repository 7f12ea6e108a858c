package io.ferry.testkit;

import io.ferry.sandbox.SandboxServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives sysbench (the Debian package) against a sandboxed MariaDB server: prepares a schema and
 * runs a workload for a time, at an optional fixed rate, as a separate process. Immutable; each
 * method call starts its own process.
 *
 * @param test the sysbench test, like {@code oltp_read_write} or {@code oltp_write_only}
 * @param tables tables per schema
 * @param tableSize rows per table
 * @param threads client threads per run
 * @param options more sysbench options for prepare and run, such as {@code --rand-type=uniform}
 */
public record Sysbench(String test, int tables, int tableSize, int threads, List<String> options) {

  public Sysbench {
    options = List.copyOf(options);
  }

  public Sysbench(String test, int tables, int tableSize, int threads) {
    this(test, tables, tableSize, threads, List.of());
  }

  /** Whether sysbench is installed here. */
  public static boolean installed() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":", -1)) {
      if (Files.isExecutable(Path.of(dir, "sysbench"))) {
        return true;
      }
    }
    return false;
  }

  /** Creates the schema and fills its tables; waits until done. */
  public void prepare(SandboxServer server, String schema) throws Exception {
    try (Connection c = server.connect(server.root(), "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE IF NOT EXISTS `" + schema + "`");
    }
    await(start(server, schema, "prepare", 0, 0), 10, "prepare " + schema);
  }

  /**
   * Starts a run: {@code seconds} long (0: until stopped), at {@code rate} transactions a second
   * (0: as fast as it goes). Output goes to {@code log} when given.
   */
  public Process run(SandboxServer server, String schema, int seconds, int rate, Path log)
      throws IOException {
    ProcessBuilder pb = builder(server, schema, "run", seconds, rate);
    if (log != null) {
      pb.redirectOutput(log.toFile());
    } else {
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }
    return pb.start();
  }

  private Process start(SandboxServer server, String schema, String command, int seconds, int rate)
      throws IOException {
    return builder(server, schema, command, seconds, rate).start();
  }

  private ProcessBuilder builder(
      SandboxServer server, String schema, String command, int seconds, int rate) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "sysbench",
                test,
                "--db-driver=mysql",
                "--mysql-host=127.0.0.1",
                "--mysql-port=" + server.port(),
                "--mysql-user=" + server.app().user(),
                "--mysql-password=" + server.app().password(),
                "--mysql-db=" + schema,
                "--tables=" + tables,
                "--table-size=" + tableSize,
                "--threads=" + threads,
                "--rand-seed=1",
                "--db-ps-mode=disable",
                "--mysql-ignore-errors=1213,1205",
                "--report-interval=0"));
    cmd.addAll(options);
    cmd.add("--time=" + seconds);
    if (rate > 0) {
      cmd.add("--rate=" + rate);
    }
    cmd.add(command);
    return new ProcessBuilder(cmd).redirectErrorStream(true);
  }

  /** Waits for a sysbench process; fails with its output if it fails. */
  public static void await(Process p, int minutes, String what) throws Exception {
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "sysbench " + what + " did not finish in " + minutes + " min");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "sysbench " + what + " failed:\n" + new String(out, StandardCharsets.UTF_8));
    }
  }
}

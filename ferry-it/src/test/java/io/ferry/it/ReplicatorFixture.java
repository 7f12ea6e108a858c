package io.ferry.it;

import io.ferry.cli.Cli;
import io.ferry.server.Replicator;
import io.ferry.server.admin.AdminServer;
import io.ferry.testkit.SandboxExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: a replicator with its admin API in this JVM, on a configuration directory of its
 * own, and the {@code ferry} command run against it with its output captured.
 */
final class ReplicatorFixture implements AutoCloseable {
  /** What a command printed and returned. */
  record Result(int code, String out, String err) {}

  final Path dir;
  final int port;
  private Replicator replicator;
  private AdminServer server;

  ReplicatorFixture(Path dir, String... replicatorConf) throws Exception {
    this.dir = dir;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.createDirectories(dir.resolve("services"));
    List<String> conf = new ArrayList<>(List.of("admin.port = " + port));
    conf.addAll(List.of(replicatorConf));
    Files.write(dir.resolve("replicator.conf"), conf);
  }

  /** Starts the replicator (its services go online). */
  ReplicatorFixture start() {
    replicator = new Replicator(dir, Clock.systemUTC());
    server = new AdminServer(replicator, () -> {});
    server.start();
    replicator.start();
    return this;
  }

  Replicator replicator() {
    return replicator;
  }

  /** What {@code GET /metrics} of the admin API answers. */
  static String metrics(ReplicatorFixture f) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    return http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + f.port + "/metrics"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Runs {@code ferry ARGS --config-dir DIR}. */
  Result ferry(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config-dir");
    all.add(dir.toString());
    return raw(all.toArray(String[]::new));
  }

  /** Runs {@code ferry ARGS} as given. */
  static Result raw(String... all) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * {@code ferry setup master-slave} from server 1 of the test's sandbox to server 2, with the
   * services' data under {@code dataDir}; {@code more} adds options (--service, ...).
   */
  String setupMasterSlave(SandboxExtension db, Path dataDir, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "setup",
                "master-slave",
                "--master",
                db.sandbox().name() + ":1",
                "--slave",
                db.sandbox().name() + ":2",
                "--sandbox-home",
                db.sandboxes().home().toString(),
                "--data-dir",
                dataDir.toString()));
    args.addAll(List.of(more));
    return ok(args.toArray(String[]::new));
  }

  /**
   * Runs {@code ferry ARGS --config-dir CONF} that must succeed (a replicator of another process).
   */
  static String okIn(Path conf, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config-dir");
    all.add(conf.toString());
    Result r = raw(all.toArray(String[]::new));
    if (r.code() != 0) {
      throw new AssertionError(
          "ferry " + String.join(" ", args) + " exited " + r.code() + ":\n" + r.out() + r.err());
    }
    return r.out();
  }

  /** Runs a command that must succeed, and returns what it printed. */
  String ok(String... args) {
    Result r = ferry(args);
    if (r.code() != 0) {
      throw new AssertionError(
          "ferry " + String.join(" ", args) + " exited " + r.code() + ":\n" + r.out() + r.err());
    }
    return r.out();
  }

  @Override
  public void close() {
    if (replicator != null) {
      replicator.close();
    }
    if (server != null) {
      server.close();
    }
  }
}

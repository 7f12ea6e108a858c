package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.cli.Cli;
import io.ferry.sandbox.SandboxServer;
import io.ferry.server.Service;
import io.ferry.testkit.SandboxExtension;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A byte flipped in a record or a segment header of a master's or a replica's THL: the service
 * stops with the error, the command the error names repairs the log, and once the services are
 * online again the target holds every row of the source once (an insert-only keyless ledger).
 */
class ThlRepairTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(2);

  @TempDir Path dir;

  private static final Pattern COMMAND =
      Pattern.compile("ferry thl purge --dir (\\S+) --after (-?\\d+) --yes");

  private static long count(SandboxServer s, String query) throws Exception {
    return Long.parseLong(Sql.value(s, query));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static List<Path> segments(Path serviceDir) throws Exception {
    try (Stream<Path> files = Files.walk(serviceDir)) {
      return files.filter(f -> f.toString().endsWith(".seg")).sorted().toList();
    }
  }

  private static void flip(Path file, long offset) throws Exception {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset);
      int b = raf.read();
      raf.seek(offset);
      raf.write(b ^ 0x04);
    }
  }

  /** Runs the purge command an error named, as an operator would. */
  private static void repair(String message) {
    Matcher m = COMMAND.matcher(message);
    assertThat(m.find()).as("the error names the command: " + message).isTrue();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Cli.run(
            new String[] {"thl", "purge", "--dir", m.group(1), "--after", m.group(2), "--yes"},
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertThat(code).as(out + "\n" + err).isZero();
  }

  private static void awaitFailure(Service s) throws Exception {
    assertThat(s.await(Service.State.OFFLINE_ERROR, Duration.ofSeconds(20)))
        .as(s.name() + " stops on the damage")
        .isTrue();
  }

  private static void online(Service s) {
    try {
      s.online(Service.OnlineOptions.NONE);
    } catch (RuntimeException e) {
      // damage found while opening the log: the service is OFFLINE:ERROR with it
    }
  }

  @ParameterizedTest(name = "{0} log, {1}")
  @CsvSource({"master, record", "master, header", "replica, record", "replica, header"})
  void theCommandTheErrorNamesBringsTheServiceBackWithNothingLostOrTwice(String whose, String what)
      throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(2);
    int port = freePort();
    Clock clock = Clock.systemUTC();
    try (Service master =
            new Service(
                ServiceFiles.load(
                    ServiceFiles.master(dir, "alpha", source, port, "thl.segment-bytes = 8k")),
                clock);
        Service slave =
            new Service(
                ServiceFiles.load(
                    ServiceFiles.slave(
                        dir,
                        "alpha_r",
                        "thl://127.0.0.1:" + port,
                        target,
                        "thl.segment-bytes = 8k")),
                clock)) {
      Sql.run(source, "CREATE DATABASE shop", "CREATE TABLE shop.ledger (i INT NOT NULL, v TEXT)");
      for (int i = 0; i < 150; i++) {
        Sql.run(source, "INSERT INTO shop.ledger VALUES (" + i + ", REPEAT('x', 100))");
      }
      master.online(Service.OnlineOptions.NONE);
      slave.online(Service.OnlineOptions.NONE);
      ServiceRolesTest.awaitMark(source, target, master, slave);
      master.offline();
      slave.offline();

      Service damaged = whose.equals("master") ? master : slave;
      List<Path> segs = segments(dir.resolve(whose.equals("master") ? "alpha" : "alpha_r"));
      assertThat(segs.size()).isGreaterThan(3);
      flip(segs.get(segs.size() / 2), what.equals("header") ? 30 : 600);

      online(damaged);
      awaitFailure(damaged);
      repair(damaged.failure().message());

      for (int i = 150; i < 200; i++) {
        Sql.run(source, "INSERT INTO shop.ledger VALUES (" + i + ", 'after')");
      }
      master.online(Service.OnlineOptions.NONE);
      slave.online(Service.OnlineOptions.NONE);
      ServiceRolesTest.awaitMark(source, target, master, slave);
      assertThat(count(target, "SELECT COUNT(*) FROM shop.ledger")).isEqualTo(200);
      assertThat(count(target, "SELECT COUNT(DISTINCT i) FROM shop.ledger")).isEqualTo(200);
      assertThat(Checksums.of(target, List.of("shop")))
          .isEqualTo(Checksums.of(source, List.of("shop")));
    }
  }
}

package io.ferry.bench;

import io.ferry.sandbox.SandboxServer;
import io.ferry.server.Service;
import io.ferry.server.config.ServiceConfig;
import io.ferry.server.provision.ProvisionJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Provisioning rows/s: the same schemas copied into an empty durable server by {@code mariadb-dump
 * --single-transaction | mariadb} and by {@code ferry provision} (a direct service in this JVM, two
 * workers), one after the other, the target emptied in between.
 */
final class ProvisionBench {
  private ProvisionBench() {}

  static void run(SandboxServer source, SandboxServer target, Path home, int rows)
      throws Exception {
    long total = rows + 4 * 10_000L;
    long t0 = System.nanoTime();
    Process dump =
        new ProcessBuilder(
                "bash",
                "-c",
                "set -o pipefail; mariadb-dump --single-transaction --databases ck sb"
                    + " -h127.0.0.1 -P"
                    + source.port()
                    + " -u"
                    + source.root().user()
                    + " --password="
                    + source.root().password()
                    + " | mariadb -h127.0.0.1 -P"
                    + target.port()
                    + " -u"
                    + target.root().user()
                    + " --password="
                    + target.root().password())
            .redirectErrorStream(true)
            .start();
    String out =
        new String(dump.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (dump.waitFor() != 0) {
      throw new IllegalStateException("mariadb-dump | mariadb failed: " + out);
    }
    double dumpSeconds = (System.nanoTime() - t0) / 1e9;
    try (Connection c = target.connect(target.root(), "");
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE ck");
      st.execute("DROP DATABASE sb");
    }

    List<String> lines = new ArrayList<>();
    lines.add("service.name = prov");
    lines.add("service.role = direct");
    lines.add("service.dir = " + home.resolve("prov"));
    lines.add("source.host = 127.0.0.1");
    lines.add("source.port = " + source.port());
    lines.add("source.user = " + source.replicator().user());
    lines.add("source.password = " + source.replicator().password());
    lines.add(
        "source.start = "
            + ConflictBenchmark.head(source).file()
            + ":"
            + ConflictBenchmark.head(source).offset());
    lines.add("target.host = 127.0.0.1");
    lines.add("target.port = " + target.port());
    lines.add("target.user = " + target.replicator().user());
    lines.add("target.password = " + target.replicator().password());
    Path conf = home.resolve("prov.conf");
    Files.write(conf, lines);
    Service s = new Service(ServiceConfig.load(conf), Clock.systemUTC());
    try {
      t0 = System.nanoTime();
      s.provision(new ProvisionJob.Request(List.of("ck", "sb"), 2, 5000, false, null));
      Map<String, Object> job;
      while (true) {
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) s.checkStatus(null, 1).get("job");
        if (j.get("finished") != null) {
          job = j;
          break;
        }
        Thread.sleep(50);
      }
      double ferrySeconds = (System.nanoTime() - t0) / 1e9;
      if (!"done".equals(job.get("state"))) {
        throw new IllegalStateException("provisioning ended " + job.get("state") + ": " + job);
      }
      System.out.printf(
          Locale.ROOT,
          "provisioning %,d rows (ck.big and sb.sbtest1..4) into an empty durable server:"
              + " mariadb-dump --single-transaction | mariadb %.1f s = %,.0f rows/s; ferry"
              + " provision (2 workers, through the applier) %.1f s = %,.0f rows/s; ratio %.2f%n%n",
          total,
          dumpSeconds,
          total / dumpSeconds,
          ferrySeconds,
          total / ferrySeconds,
          dumpSeconds / ferrySeconds);
    } finally {
      s.close();
    }
  }
}

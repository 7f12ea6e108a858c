package io.ferry.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.position.BinlogPosition;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two services sharing target.warehouse.staging-dir: one starting (and removing what a crash left
 * of its own batch) keeps the other's open batch; both load their rows (against the source's).
 */
class SharedStagingTest {
  @RegisterExtension static final SandboxExtension MARIADB = SandboxExtension.mariadb(1);

  @TempDir Path dir;

  @Test
  void aStartingServiceRemovesOnlyItsOwnLeftovers() throws Exception {
    SandboxServer src = MARIADB.server(1);
    BinlogPosition start = Harness.head(src);
    Harness.sql(
        src,
        "DROP DATABASE IF EXISTS shared",
        "CREATE DATABASE shared",
        "CREATE TABLE shared.t (id INT PRIMARY KEY, v INT)",
        "INSERT INTO shared.t VALUES (1, 1), (2, 2)",
        "UPDATE shared.t SET v = 20 WHERE id = 2");
    Harness.marker(src);
    List<Transaction> txs = Harness.read(src, start, 1);
    Path shared = dir.resolve("staging");
    try (WarehouseTarget one =
            Harness.open(
                Harness.duckdb("one", dir.resolve("one"))
                    .set(WarehouseSettings.STAGING_DIR, shared));
        WarehouseTarget two =
            Harness.open(
                Harness.duckdb("two", dir.resolve("two"))
                    .set(WarehouseSettings.STAGING_DIR, shared))) {
      Files.createDirectories(dir.resolve("one"));
      Files.createDirectories(dir.resolve("two"));
      Applier a = one.applier();
      a.lastCommitted();
      for (Transaction t : txs) {
        a.apply(t); // one's batch is open: its rows are staged, not merged
      }
      List<Path> staged;
      try (var files = Files.walk(shared)) {
        staged = files.filter(f -> f.toString().endsWith(".csv")).toList();
      }
      assertThat(staged).isNotEmpty();
      Applier b = two.applier();
      b.lastCommitted(); // two starts: removes its own leftovers only
      for (Path f : staged) {
        assertThat(f).exists();
      }
      Harness.applyAll(b, txs);
      a.commit(); // one's batch is still whole
      a.close();
      b.close();
      try (Connection s = src.connect(src.root(), "")) {
        List<List<String>> want = Harness.rows(s, "SELECT id, v FROM shared.t ORDER BY id");
        for (WarehouseTarget target : List.of(one, two)) {
          try (Connection w = target.dialect().connect()) {
            assertThat(Harness.rows(w, "SELECT id, v FROM shared.t ORDER BY id")).isEqualTo(want);
          }
        }
      }
    }
  }
}

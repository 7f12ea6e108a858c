package io.ferry.mysql.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.position.BinlogPosition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaHistoryTest {
  @TempDir Path dir;

  private static BinlogPosition at(long offset) {
    return new BinlogPosition("binlog.000001", offset);
  }

  /** A snapshot with one table d.t (id INT). */
  private static SchemaHistory.SnapshotSource snapshot(AtomicInteger taken) {
    return position -> {
      taken.incrementAndGet();
      Catalog c = new Catalog();
      new DdlParser(c, n -> null).apply(null, "CREATE DATABASE d");
      new DdlParser(c, n -> null).apply("d", "CREATE TABLE t (id INT)");
      return SchemaHistory.snapshotEntry(position, c);
    };
  }

  @Test
  void changesAreKeptByPositionAndReplayedAfterARestart() {
    Path file = dir.resolve("h.jsonl");
    AtomicInteger snapshots = new AtomicInteger();
    SchemaHistory h = new SchemaHistory(file, SchemaHistory.OnUnparsedDdl.STOP);
    h.open(at(100), n -> null, snapshot(snapshots));
    h.ddl(at(200), "d", "ALTER TABLE t ADD COLUMN a INT");
    h.ddl(at(300), "d", "ALTER TABLE t ADD COLUMN b INT");
    assertThat(h.columns("d", "t")).hasSize(3);

    SchemaHistory again = new SchemaHistory(file, SchemaHistory.OnUnparsedDdl.STOP);
    again.open(at(250), n -> null, snapshot(snapshots));
    assertThat(again.columns("d", "t")).hasSize(2);
    assertThat(snapshots).hasValue(1);
    again.ddl(at(300), "d", "ALTER TABLE t ADD COLUMN c INT");
    assertThat(again.columns("d", "t")).extracting(c -> c.name()).containsExactly("id", "a", "c");
  }

  @Test
  void unparsedDdlStopsOrIsPassedOverAsConfigured() throws Exception {
    Path file = dir.resolve("h.jsonl");
    SchemaHistory stop = new SchemaHistory(file, SchemaHistory.OnUnparsedDdl.STOP);
    stop.open(at(100), n -> null, snapshot(new AtomicInteger()));
    assertThatThrownBy(() -> stop.ddl(at(200), "d", "CREATE TABLE x AS SELECT 1"))
        .isInstanceOf(SchemaHistoryException.class)
        .hasMessageContaining("cannot follow the DDL statement at binlog.000001:200")
        .hasMessageContaining("CREATE TABLE x AS SELECT 1")
        .hasMessageContaining("on-unparsed-ddl");
    assertThat(Files.readString(file)).contains("\"kind\":\"unparsed\"");

    SchemaHistory go =
        new SchemaHistory(dir.resolve("g.jsonl"), SchemaHistory.OnUnparsedDdl.CONTINUE);
    go.open(at(100), n -> null, snapshot(new AtomicInteger()));
    go.ddl(at(200), "d", "CREATE TABLE x AS SELECT 1");
    go.ddl(at(300), "d", "ALTER TABLE t ADD COLUMN a INT");
    assertThat(go.columns("d", "t")).hasSize(2);
  }
}

package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.value.SqlDateTime;
import io.ferry.core.value.Text;
import io.ferry.sandbox.SandboxServer;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * DDL (add, drop, rename and retype columns, rename the table) interleaved with DML, read by an
 * extractor that restarts in the middle, after having read ahead: every row is read with the
 * definition its table had when the row was written.
 */
final class DdlSequence {
  private DdlSequence() {}

  static void run(SandboxServer s, String db, ExtractorSettings settings) throws Exception {
    Extraction.sql(
        s,
        "CREATE DATABASE " + db + " CHARACTER SET utf8mb4",
        "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, a INT, b VARCHAR(10))",
        "INSERT INTO " + db + ".t VALUES (0, 0, 'before')");
    List<String> seen = new ArrayList<>();
    Checkpoint resumeAt;
    BinlogPosition start = Extraction.head(s);
    ExtractorSettings at = settings.withStart(new StartPosition.At(start));
    try (BinlogExtractor x = new BinlogExtractor(Extraction.source(s), at, Clock.systemUTC())) {
      // The extractor starts (and a schema history takes its snapshot) before the DDL runs,
      // as a service does when it is first set up.
      x.seek(Checkpoint.NONE);
      String t = db + ".t";
      Extraction.sql(
          s,
          "INSERT INTO " + t + " VALUES (1, 10, 'one')",
          "ALTER TABLE " + t + " ADD COLUMN c DATETIME(3) AFTER id",
          "INSERT INTO " + t + " VALUES (2, '2024-01-02 03:04:05.678', 20, 'two')",
          "ALTER TABLE " + t + " DROP COLUMN a",
          "INSERT INTO " + t + " VALUES (3, NULL, 'three')",
          "ALTER TABLE " + t + " CHANGE b bb TEXT CHARACTER SET latin1",
          "INSERT INTO " + t + " VALUES (4, NULL, _latin1 X'E9')",
          "RENAME TABLE " + t + " TO " + db + ".t2",
          "INSERT INTO " + db + ".t2 VALUES (5, NULL, 'five')",
          "ALTER TABLE " + db + ".t2 MODIFY id BIGINT UNSIGNED",
          "INSERT INTO " + db + ".t2 VALUES (18446744073709551615, NULL, 'max')",
          "UPDATE " + db + ".t2 SET bb = 'updated' WHERE id = 5",
          "CREATE TABLE " + db + ".done (id INT)");
      // Read five transactions (through the DROP COLUMN), keep the checkpoint after the
      // third, and read two more: the restart must forget what was read past its checkpoint.
      resumeAt = null;
      for (int i = 0; i < 5; i++) {
        Transaction tx = (Transaction) x.next(20, TimeUnit.SECONDS);
        if (i < 3) {
          describe(tx, seen);
          resumeAt = tx.checkpoint();
        }
      }
    }
    try (BinlogExtractor x = new BinlogExtractor(Extraction.source(s), at, Clock.systemUTC())) {
      x.seek(resumeAt);
      while (true) {
        ReplEvent e = x.next(20, TimeUnit.SECONDS);
        assertThat(e).isNotNull();
        Transaction tx = (Transaction) e;
        if (Extraction.marker(db).test(tx)) {
          break;
        }
        describe(tx, seen);
      }
    }
    assertThat(seen)
        .containsExactly(
            "INSERT t id:INT=1 a:INT=10 b:VARCHAR=one",
            "INSERT t id:INT=2 c:DATETIME=2024-01-02 03:04:05.678000 a:INT=20 b:VARCHAR=two",
            "INSERT t id:INT=3 c:DATETIME=NULL b:VARCHAR=three",
            "INSERT t id:INT=4 c:DATETIME=NULL bb:TEXT=\u00e9",
            "INSERT t2 id:INT=5 c:DATETIME=NULL bb:TEXT=five",
            "INSERT t2 id:BIGINT=18446744073709551615 c:DATETIME=NULL bb:TEXT=max",
            "UPDATE t2 id:BIGINT=5 c:DATETIME=NULL bb:TEXT=updated");
  }

  /** One line per row change: action, table, and each after (or before) value with its column. */
  private static void describe(Transaction tx, List<String> out) {
    for (var c : tx.changes()) {
      if (c instanceof RowChanges rc) {
        for (var row : rc.rows()) {
          List<String> values = new ArrayList<>();
          for (int i = 0; i < rc.columns().size(); i++) {
            ColumnSpec col = rc.columns().get(i);
            Object v = row.hasAfter() ? row.after(i) : row.before(i);
            values.add(col.name() + ":" + col.type() + "=" + render(v, col));
          }
          out.add(
              rc.action()
                  + " "
                  + rc.table()
                  + " "
                  + values.stream().collect(Collectors.joining(" ")));
        }
      }
    }
  }

  private static String render(Object v, ColumnSpec col) {
    if (v == null) {
      return "NULL";
    }
    if (v instanceof Text text) {
      if (col.type() == SqlType.TEXT) {
        assertThat(text.charset()).isEqualTo("latin1");
      }
      return text.toString();
    }
    if (v instanceof BigInteger || v instanceof Long) {
      if (col.type() == SqlType.BIGINT) {
        assertThat(col.unsigned()).isTrue();
        assertThat(v).isInstanceOf(BigInteger.class);
      }
      return v.toString();
    }
    if (v instanceof SqlDateTime dt) {
      return dt.toString();
    }
    return v.toString();
  }
}

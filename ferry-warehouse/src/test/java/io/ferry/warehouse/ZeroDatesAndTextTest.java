package io.ferry.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.value.Text;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zero dates in NOT NULL and key columns (DuckDB and PostgreSQL, against the source's rows), and
 * text that is not valid in its character set.
 */
class ZeroDatesAndTextTest {
  @RegisterExtension static final SandboxExtension MARIADB = SandboxExtension.mariadb(1);
  @RegisterExtension static final SandboxExtension PG = SandboxExtension.postgresql(1);

  @TempDir Path dir;

  /**
   * A zero date in a NOT NULL column merges, and in a key it matches the later UPDATE and DELETE of
   * the same row (as NULL it failed the merge, or never matched and the rows piled up).
   */
  @Test
  void zeroDatesInNotNullAndKeyColumnsFollowTheSource() throws Exception {
    SandboxServer src = MARIADB.server(1);
    Harness.sql(
        src,
        "DROP DATABASE IF EXISTS zd",
        "CREATE DATABASE zd",
        "SET SESSION sql_mode = ''",
        "CREATE TABLE zd.t (d DATE NOT NULL, id INT NOT NULL, happened DATETIME NOT NULL,"
            + " ts TIMESTAMP NOT NULL DEFAULT 0, PRIMARY KEY (d, id))");
    BinlogPosition start = Harness.head(src);
    try (Connection c = src.connect(src.root(), "");
        java.sql.Statement st = c.createStatement()) {
      st.execute("SET SESSION sql_mode = ''");
      st.execute(
          "INSERT INTO zd.t VALUES ('0000-00-00', 1, '0000-00-00 00:00:00', 0),"
              + " ('2024-00-00', 2, '2024-01-01 10:00:00', '2024-01-01 10:00:00'),"
              + " ('2024-01-01', 3, '2024-00-10 00:00:00', 0),"
              + " ('0000-00-00', 4, '2000-01-01', 0)");
    }
    Harness.marker(src);
    List<Transaction> first = Harness.read(src, start, 1);
    BinlogPosition next = Harness.head(src);
    Harness.sql(
        src,
        "UPDATE zd.t SET happened = '2001-01-01' WHERE id = 1",
        "DELETE FROM zd.t WHERE id = 2",
        "UPDATE zd.t SET id = 5 WHERE id = 4");
    Harness.marker(src);
    List<Transaction> second = Harness.read(src, next, first.size() + 1);
    String srcSql =
        "SELECT id, IF(YEAR(d) = 0 OR MONTH(d) = 0 OR DAY(d) = 0, '-infinity', CAST(d AS CHAR)),"
            + " IF(YEAR(happened) = 0 OR MONTH(happened) = 0 OR DAY(happened) = 0, '-infinity',"
            + " CAST(happened AS CHAR)) FROM zd.t ORDER BY id";
    List<List<String>> expected;
    List<List<String>> zeroTs;
    try (Connection s = src.connect(src.root(), "")) {
      expected = Harness.rows(s, srcSql);
      zeroTs = Harness.rows(s, "SELECT count(*) FROM zd.t WHERE UNIX_TIMESTAMP(ts) = 0");
    }
    assertThat(expected).hasSize(3);
    for (Harness.Config config :
        List.of(
            Harness.duckdb("zd", dir.resolve("duck")),
            Harness.postgresql("zd", dir.resolve("pg"), PG.server(1)))) {
      java.nio.file.Files.createDirectories(config.serviceDir());
      try (WarehouseTarget target = Harness.open(config)) {
        boolean duck = config.get(WarehouseSettings.DIALECT).equals("duckdb");
        try (Connection w = target.dialect().connect();
            java.sql.Statement st = w.createStatement()) {
          // NOT NULL everywhere and the date in the key, as on the source
          st.execute("DROP SCHEMA IF EXISTS zd CASCADE");
          st.execute("CREATE SCHEMA zd");
          st.execute(
              "CREATE TABLE zd.t (d DATE NOT NULL, id INTEGER NOT NULL, happened TIMESTAMP NOT"
                  + " NULL, ts "
                  + (duck ? "TIMESTAMPTZ" : "timestamptz")
                  + " NOT NULL, PRIMARY KEY (d, id))");
          w.commit();
        }
        Harness.applyAll(target.applier(), ours(first));
        Harness.applyAll(target.applier(), ours(second));
        String at =
            duck
                ? "strftime(happened, '%Y-%m-%d %H:%M:%S')"
                : "to_char(happened, 'YYYY-MM-DD HH24:MI:SS')";
        try (Connection w = target.dialect().connect()) {
          assertThat(
                  Harness.rows(
                      w,
                      "SELECT id, CAST(d AS VARCHAR), CASE WHEN happened = '-infinity' THEN"
                          + " '-infinity' ELSE "
                          + at
                          + " END FROM zd.t ORDER BY id"))
              .isEqualTo(expected);
          assertThat(Harness.rows(w, "SELECT count(*) FROM zd.t WHERE ts = '-infinity'"))
              .isEqualTo(zeroTs);
        }
      }
    }
  }

  /** The transactions of zd only (the end marker's DDL needs a translator the test lacks). */
  private static List<Transaction> ours(List<Transaction> txs) {
    return txs.stream()
        .filter(
            t ->
                t.changes().stream()
                    .anyMatch(c -> c instanceof RowChanges rc && rc.schema().equals("zd")))
        .toList();
  }

  /** Invalid UTF-8 in a utf8mb4 column is refused, not turned into U+FFFD (keys would merge). */
  @Test
  void invalidUtf8IsRefused() {
    ColumnSpec col = ColumnSpec.of("name", SqlType.VARCHAR).withCharset("utf8mb4");
    WarehouseDialect duck = new DuckDbDialect(dir.resolve("x.duckdb"));
    assertThatThrownBy(
            () ->
                CsvValues.field(
                    new Text(new byte[] {'a', (byte) 0xC3, '('}, "utf8mb4"),
                    col,
                    StoreKind.TEXT,
                    duck))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column name")
        .hasMessageContaining("not valid UTF-8");
    assertThat(
            CsvValues.field(
                new Text("é€😀".getBytes(java.nio.charset.StandardCharsets.UTF_8), "utf8mb4"),
                col,
                StoreKind.TEXT,
                duck))
        .isEqualTo("\"é€😀\"");
  }
}

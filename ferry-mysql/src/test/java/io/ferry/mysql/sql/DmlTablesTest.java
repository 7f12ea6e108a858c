package io.ferry.mysql.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DmlTablesTest {
  /** Expected tables joined by '+', NONE for none, or UNKNOWN for null. */
  @ParameterizedTest(name = "{1} with default {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "app | INSERT INTO t VALUES (1) | app.t",
        "app | insert low_priority ignore into other.t (a) values (1) | other.t",
        "app | INSERT t SELECT * FROM x | app.t",
        "app | REPLACE INTO `my t` VALUES (1) | app.my t",
        "app | UPDATE t SET a = 1 WHERE b = 2 | app.t",
        "app | UPDATE IGNORE t1 AS a JOIN o.t2 b ON a.id = b.id SET a.x = b.y | app.t1+o.t2",
        "app | UPDATE t1, t2 SET t1.a = t2.a | app.t1+app.t2",
        "app | DELETE FROM t WHERE a = 1 ORDER BY id LIMIT 2 | app.t",
        "app | DELETE QUICK IGNORE FROM o.t | o.t",
        "app | DELETE t1 FROM t1 JOIN t2 ON t1.a = t2.a WHERE t2.b = 1 | app.t1+app.t2",
        "app | DELETE FROM t1, t2 USING t1 JOIN t2 WHERE t1.a = t2.a | app.t1+app.t2",
        "app | LOAD DATA LOCAL INFILE 'f' REPLACE INTO TABLE o.t | o.t",
        "app | SELECT f() | UNKNOWN",
        "app | CHECKSUM TABLE t | NONE",
        "app | UPDATE (t1 JOIN t2 ON t1.a = t2.a) SET t1.b = 1 | UNKNOWN",
        "    | INSERT INTO t VALUES (1) | UNKNOWN",
        "app | WITH x AS (SELECT 1) UPDATE t SET a = 1 | UNKNOWN",
        "app | CALL p() | UNKNOWN",
        "app | UPDATE (SELECT * FROM t) x SET a = 1 | UNKNOWN",
      })
  void tablesAStatementWrites(String schema, String sql, String expected) {
    Set<DmlTables.Table> tables = DmlTables.tablesOf(schema, sql);
    String actual =
        tables == null
            ? "UNKNOWN"
            : tables.isEmpty()
                ? "NONE"
                : String.join(
                    "+", new TreeSet<>(tables.stream().map(DmlTables.Table::toString).toList()));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void namesWithDotsKeepSchemaAndTableApart() {
    assertThat(DmlTables.tablesOf("app", "INSERT INTO `my.db`.t VALUES (1)"))
        .containsExactly(new DmlTables.Table("my.db", "t"));
    assertThat(DmlTables.tablesOf("my.db", "UPDATE `a.b` SET x = 1"))
        .containsExactly(new DmlTables.Table("my.db", "a.b"));
    assertThat(DmlTables.tablesOf("app", "DELETE t1 FROM t1 JOIN `o.x`.t2 ON 1 = 1"))
        .containsExactlyInAnyOrderElementsOf(
            List.of(new DmlTables.Table("app", "t1"), new DmlTables.Table("o.x", "t2")));
    assertThat(DmlTables.tablesOf("app", "CALL p()")).isNull();
  }
}

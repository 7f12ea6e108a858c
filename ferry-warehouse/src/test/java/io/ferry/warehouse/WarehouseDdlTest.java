package io.ferry.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.target.TargetException;
import io.ferry.core.target.TargetKeys;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the log's DDL becomes in DuckDB, and how a service file is checked. No server. */
class WarehouseDdlTest {
  private final WarehouseDdl ddl = new WarehouseDdl(new DuckDbDialect(Path.of("/tmp/none.duckdb")));

  private List<String> run(String sql) {
    WarehouseDdl.Plan p = ddl.plan("s", sql);
    assertThat(p).as(sql).isInstanceOf(WarehouseDdl.Run.class);
    return ((WarehouseDdl.Run) p).statements();
  }

  @Test
  void tableAndColumnChangesAreTranslated() {
    assertThat(
            run(
                "ALTER TABLE t ADD COLUMN n INT NOT NULL DEFAULT '7', ADD m DECIMAL(5,2) DEFAULT"
                    + " -1.5 NOT NULL, ADD v VARCHAR(3) NOT NULL, ADD w VARCHAR(3) DEFAULT 'it''s'"))
        .containsExactly(
            "ALTER TABLE \"s\".\"t\" ADD COLUMN \"n\" INTEGER DEFAULT '7'",
            "ALTER TABLE \"s\".\"t\" ADD COLUMN \"m\" DECIMAL(5,2) DEFAULT '-1.50'",
            "ALTER TABLE \"s\".\"t\" ADD COLUMN \"v\" VARCHAR DEFAULT ''",
            "ALTER TABLE \"s\".\"t\" ADD COLUMN \"w\" VARCHAR DEFAULT 'it''s'");
    assertThat(run("CREATE OR REPLACE TABLE t (id INT PRIMARY KEY)"))
        .startsWith("CREATE SCHEMA IF NOT EXISTS \"s\"", "DROP TABLE IF EXISTS \"s\".\"t\"");
    assertThat(run("ALTER TABLE t ADD COLUMN x TIME(3) AFTER a, DROP COLUMN y"))
        .containsExactly(
            "ALTER TABLE \"s\".\"t\" ADD COLUMN \"x\" INTERVAL",
            "ALTER TABLE \"s\".\"t\" DROP COLUMN \"y\"");
    assertThat(run("ALTER TABLE `o`.`t` CHANGE `a` `b` BIGINT UNSIGNED"))
        .containsExactly(
            "ALTER TABLE \"o\".\"t\" RENAME COLUMN \"a\" TO \"b\"",
            "ALTER TABLE \"o\".\"t\" ALTER COLUMN \"b\" TYPE UBIGINT");
    assertThat(run("RENAME TABLE a TO b, s.c TO s.d"))
        .containsExactly(
            "ALTER TABLE \"s\".\"a\" RENAME TO \"b\"", "ALTER TABLE \"s\".\"c\" RENAME TO \"d\"");
    assertThat(run("TRUNCATE t")).containsExactly("DELETE FROM \"s\".\"t\"");
    assertThat(run("DROP TABLE IF EXISTS a, x.b"))
        .containsExactly("DROP TABLE IF EXISTS \"s\".\"a\"", "DROP TABLE IF EXISTS \"x\".\"b\"");
    assertThat(run("CREATE TABLE t (id INT PRIMARY KEY, d DECIMAL(65,30), e ENUM('a','b'))"))
        .contains(
            "CREATE TABLE IF NOT EXISTS \"s\".\"t\" (\n  \"id\" INTEGER NOT NULL,\n  \"d\""
                + " VARCHAR,\n  \"e\" VARCHAR\n)");
  }

  @Test
  void whatAWarehouseHoldsNothingOfIsPassedOverAndTheRestCannotBeTranslated() {
    for (String sql :
        List.of(
            "CREATE INDEX i ON t (a)",
            "ALTER TABLE t ADD INDEX i (a), ENGINE = InnoDB",
            "ALTER TABLE t DROP PRIMARY KEY",
            "CREATE VIEW v AS SELECT 1",
            "GRANT ALL ON *.* TO x",
            "DROP DATABASE ferry_svc",
            "CREATE USER u")) {
      assertThat(ddl.plan("s", sql)).as(sql).isInstanceOf(WarehouseDdl.PassOver.class);
    }
    for (String sql :
        List.of(
            "CREATE TABLE t2 LIKE t",
            "CREATE TABLE t2 AS SELECT * FROM t",
            "RENAME TABLE a.t TO b.t",
            "ALTER TABLE t PARTITION BY HASH(id)",
            "ALTER TABLE t ADD COLUMN ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP",
            "ALTER TABLE t ADD COLUMN n INT DEFAULT (1 + 1)",
            "ALTER TABLE t ADD COLUMN d DATE NOT NULL",
            "ALTER TABLE t ADD COLUMN d DATE DEFAULT '0000-00-00'",
            "ALTER TABLE t ADD COLUMN b BIT(1) DEFAULT b'1'",
            "ALTER TABLE t DROP PARTITION p0",
            "ALTER TABLE t DROP PARTITION IF EXISTS p0, p1",
            "ALTER TABLE t COMMENT 'x' DROP PARTITION p0",
            "ALTER TABLE t TRUNCATE PARTITION p0",
            "ALTER TABLE t TRUNCATE PARTITION ALL",
            "ALTER TABLE t EXCHANGE PARTITION p0 WITH TABLE t2",
            "ALTER TABLE t REORGANIZE PARTITION p0 INTO (PARTITION p1 VALUES LESS THAN (5))",
            "ALTER TABLE t COALESCE PARTITION 2")) {
      assertThat(ddl.plan("s", sql)).as(sql).isInstanceOf(WarehouseDdl.Untranslatable.class);
    }
    assertThat(ddl.plan("s", "ALTER TABLE t ADD PARTITION (PARTITION p9 VALUES LESS THAN (99))"))
        .isInstanceOf(WarehouseDdl.PassOver.class);
  }

  @Test
  void aServiceFileIsCheckedAndAnAddressMadeIntoOne() {
    WarehouseTargetType type = new WarehouseTargetType();
    Harness.Config duck = new Harness.Config("x", Path.of("/tmp")).set(TargetKeys.HOST, "h");
    assertThat(type.check(duck))
        .anySatisfy(p -> assertThat(p).contains("target.warehouse.path is required"))
        .anySatisfy(p -> assertThat(p).contains("target.host means nothing"));
    Harness.Config pg =
        new Harness.Config("x", Path.of("/tmp")).set(WarehouseSettings.DIALECT, "postgresql");
    assertThat(type.check(pg)).anySatisfy(p -> assertThat(p).contains("target.host is required"));
    assertThat(type.endpoint("duckdb:/data/a.duckdb"))
        .containsExactly(
            "target.type = warehouse",
            "target.warehouse.dialect = duckdb",
            "target.warehouse.path = /data/a.duckdb");
    assertThat(type.endpoint("warehouse+postgresql://u:p%40ss@db:6432/dw"))
        .contains("target.warehouse.dialect = postgresql", "target.port = 6432")
        .contains("target.password = p@ss", "target.database = dw");
    assertThat(type.endpoint("warehouse+postgresql://u+1:a+b%2Bc@db/dw"))
        .contains("target.user = u+1", "target.password = a+b+c");
    assertThat(type.endpoint("postgresql://u:p@db/dw")).isEmpty();
    assertThatThrownBy(() -> type.endpoint("duckdb:")).isInstanceOf(TargetException.class);
  }
}

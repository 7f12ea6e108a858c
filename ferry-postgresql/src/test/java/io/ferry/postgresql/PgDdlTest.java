package io.ferry.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The translation of MariaDB DDL from the THL into PostgreSQL statements (no server needed). */
class PgDdlTest {
  private final PgDdl ddl = new PgDdl(PgNames.SAME);

  @Test
  void createTableWithTheMappingAndThePrimaryKey() {
    List<String> out =
        ddl.translate(
            "shop",
            "CREATE TABLE IF NOT EXISTS `Orders` (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,"
                + " note VARCHAR(40) DEFAULT 'x', t TIME(3), PRIMARY KEY (id)) ENGINE=InnoDB");
    assertThat(out)
        .containsExactly(
            "CREATE TABLE IF NOT EXISTS \"shop\".\"Orders\" (\n"
                + "  \"id\" numeric(20,0) NOT NULL,\n"
                + "  \"note\" varchar(40),\n"
                + "  \"t\" interval,\n"
                + "  PRIMARY KEY (\"id\")\n"
                + ")");
  }

  @Test
  void alterTableAddsDropsAndRenamesColumns() {
    assertThat(
            ddl.translate(
                "s",
                "ALTER TABLE t ADD COLUMN j JSON AFTER id, DROP COLUMN old,"
                    + " RENAME COLUMN a TO b, ENGINE=InnoDB"))
        .containsExactly(
            "ALTER TABLE \"s\".\"t\" ADD COLUMN \"j\" jsonb",
            "ALTER TABLE \"s\".\"t\" DROP COLUMN \"old\"",
            "ALTER TABLE \"s\".\"t\" RENAME COLUMN \"a\" TO \"b\"");
    assertThat(ddl.translate("s", "ALTER TABLE t CHANGE c d INT NOT NULL"))
        .containsExactly(
            "ALTER TABLE \"s\".\"t\" RENAME COLUMN \"c\" TO \"d\"",
            "ALTER TABLE \"s\".\"t\" ALTER COLUMN \"d\" TYPE integer USING \"d\"::integer",
            "ALTER TABLE \"s\".\"t\" ALTER COLUMN \"d\" SET NOT NULL");
  }

  @Test
  void renameTruncateDropAndIndexes() {
    assertThat(ddl.translate("a", "RENAME TABLE t1 TO b.t2"))
        .containsExactly(
            "ALTER TABLE \"a\".\"t1\" SET SCHEMA \"b\"",
            "ALTER TABLE \"b\".\"t1\" RENAME TO \"t2\"");
    assertThat(ddl.translate("a", "TRUNCATE t")).containsExactly("TRUNCATE TABLE \"a\".\"t\"");
    assertThat(ddl.translate("a", "DROP TABLE IF EXISTS t, u"))
        .containsExactly("DROP TABLE IF EXISTS \"a\".\"t\"", "DROP TABLE IF EXISTS \"a\".\"u\"");
    assertThat(ddl.translate("a", "CREATE INDEX k_1 ON sbtest1(k)"))
        .containsExactly("CREATE INDEX \"sbtest1_k_1\" ON \"a\".\"sbtest1\" (\"k\")");
    assertThat(ddl.translate(null, "CREATE DATABASE IF NOT EXISTS x CHARACTER SET utf8mb4"))
        .containsExactly("CREATE SCHEMA IF NOT EXISTS \"x\"");
  }

  @Test
  void schemaNamesFollowTheSettings() {
    assertThat(new PgDdl(new PgNames(null, "mdb_")).translate("shop", "TRUNCATE t"))
        .containsExactly("TRUNCATE TABLE \"mdb_shop\".\"t\"");
    assertThat(new PgDdl(new PgNames("all", "")).translate("shop", "DROP TABLE t"))
        .containsExactly("DROP TABLE \"all\".\"t\"");
    assertThatThrownBy(
            () -> new PgDdl(new PgNames("all", "")).translate(null, "DROP DATABASE shop"))
        .hasMessageContaining("would drop the tables of every source schema");
    assertThat(ddl.translate(null, "DROP DATABASE IF EXISTS shop"))
        .containsExactly("DROP SCHEMA IF EXISTS \"shop\" CASCADE");
  }

  @Test
  void whatCannotBeTranslatedSaysWhat() {
    assertThatThrownBy(() -> ddl.translate("s", "CREATE TABLE t2 SELECT * FROM t1"))
        .isInstanceOf(PgDdl.Untranslatable.class);
    assertThatThrownBy(() -> ddl.translate("s", "ALTER TABLE t PARTITION BY HASH(id)"))
        .isInstanceOf(PgDdl.Untranslatable.class)
        .hasMessageContaining("not translated");
    assertThat(PgDdl.definesNoTable("CREATE DEFINER=`root`@`%` TRIGGER tr BEFORE INSERT ON t"))
        .isTrue();
    assertThat(PgDdl.definesNoTable("GRANT SELECT ON *.* TO 'x'@'%'")).isTrue();
    assertThat(PgDdl.definesNoTable("CREATE OR REPLACE VIEW v AS SELECT 1")).isTrue();
    assertThat(PgDdl.definesNoTable("CREATE TABLE user (id INT)")).isFalse();
    assertThat(PgDdl.definesNoTable("DROP TABLE t")).isFalse();
  }

  @Test
  void addColumnCarriesWhatTheSourceBackFills() {
    assertThat(ddl.translate("s", "ALTER TABLE t ADD COLUMN c INT NOT NULL DEFAULT 7"))
        .containsExactly("ALTER TABLE \"s\".\"t\" ADD COLUMN \"c\" integer NOT NULL DEFAULT '7'");
    assertThat(
            ddl.translate(
                "s",
                "ALTER TABLE t ADD c VARCHAR(9) DEFAULT 'it''s' AFTER id, ADD d DECIMAL(5,2)"
                    + " DEFAULT -1.5, ADD e INT NOT NULL, ADD f DATE DEFAULT NULL,"
                    + " ADD g DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00'"))
        .containsExactly(
            "ALTER TABLE \"s\".\"t\" ADD COLUMN \"c\" varchar(9) DEFAULT 'it''s'",
            "ALTER TABLE \"s\".\"t\" ADD COLUMN \"d\" numeric(5,2) DEFAULT '-1.5'",
            "ALTER TABLE \"s\".\"t\" ADD COLUMN \"e\" integer NOT NULL DEFAULT '0'",
            "ALTER TABLE \"s\".\"t\" ADD COLUMN \"f\" date",
            "ALTER TABLE \"s\".\"t\" ADD COLUMN \"g\" timestamp(0) without time zone NOT NULL DEFAULT '-infinity'");
    assertThatThrownBy(
            () -> ddl.translate("s", "ALTER TABLE t ADD ts TIMESTAMP DEFAULT CURRENT_TIMESTAMP"))
        .isInstanceOf(PgDdl.Untranslatable.class)
        .hasMessageContaining("DEFAULT CURRENT_TIMESTAMP")
        .hasMessageContaining("without row events");
    assertThatThrownBy(
            () -> ddl.translate("s", "ALTER TABLE t ADD n INT AUTO_INCREMENT PRIMARY KEY"))
        .isInstanceOf(PgDdl.Untranslatable.class)
        .hasMessageContaining("AUTO_INCREMENT");
  }

  @Test
  void constraintsSearchIndexesAndDefaultsPassOrTranslate() {
    assertThat(
            ddl.translate(
                "s",
                "ALTER TABLE t ADD CONSTRAINT fk1 FOREIGN KEY (a) REFERENCES u (id) ON DELETE"
                    + " CASCADE, ADD FOREIGN KEY (b) REFERENCES u (id), ADD FULLTEXT INDEX ft (c),"
                    + " ADD CHECK (a > 0), ADD CONSTRAINT ck CHECK (b > 0), ADD SPATIAL KEY g (g)"))
        .isEmpty();
    assertThat(ddl.translate("s", "ALTER TABLE t DROP FOREIGN KEY fk1, DROP CHECK ck")).isEmpty();
    assertThat(ddl.translate("s", "CREATE FULLTEXT INDEX ft ON t (c)")).isEmpty();
    assertThat(ddl.translate("s", "CREATE SPATIAL INDEX sp ON t (g)")).isEmpty();
    assertThat(
            ddl.translate("s", "ALTER TABLE t ALTER COLUMN a SET DEFAULT 5, ALTER b DROP DEFAULT"))
        .containsExactly(
            "ALTER TABLE \"s\".\"t\" ALTER COLUMN \"a\" SET DEFAULT '5'",
            "ALTER TABLE \"s\".\"t\" ALTER COLUMN \"b\" DROP DEFAULT");
    assertThat(ddl.translate("s", "ALTER TABLE t ADD CONSTRAINT uq UNIQUE (a)"))
        .containsExactly("CREATE UNIQUE INDEX \"t_uq\" ON \"s\".\"t\" (\"a\")");
  }

  @Test
  void renameWithOtherChangesRenamesLastAndPartitionsThatDeleteRowsStop() {
    assertThat(ddl.translate("s", "ALTER TABLE t RENAME TO u, ADD COLUMN x INT"))
        .containsExactly(
            "ALTER TABLE \"s\".\"t\" ADD COLUMN \"x\" integer",
            "ALTER TABLE \"s\".\"t\" RENAME TO \"u\"");
    for (String verb :
        new String[] {
          "DROP PARTITION p0",
          "TRUNCATE PARTITION p0",
          "EXCHANGE PARTITION p0 WITH TABLE x",
          "REORGANIZE PARTITION p0 INTO (PARTITION p1 VALUES LESS THAN (10))",
          "COALESCE PARTITION 2"
        }) {
      assertThatThrownBy(() -> ddl.translate("s", "ALTER TABLE t " + verb))
          .as(verb)
          .isInstanceOf(PgDdl.Untranslatable.class)
          .hasMessageContaining("without row events");
    }
    assertThat(
            ddl.translate("s", "ALTER TABLE t ADD PARTITION (PARTITION p9 VALUES LESS THAN (99))"))
        .isEmpty();
  }

  @Test
  void createOrReplaceReplacesAndFerrySchemasAreKnown() {
    assertThat(ddl.translate("s", "CREATE OR REPLACE TABLE t (id INT PRIMARY KEY)"))
        .containsExactly(
            "DROP TABLE IF EXISTS \"s\".\"t\"",
            "CREATE TABLE \"s\".\"t\" (\n  \"id\" integer NOT NULL,\n  PRIMARY KEY (\"id\")\n)");
    assertThat(ddl.touchesFerrySchema("s", "DROP TABLE ferry_hub.position")).isTrue();
    assertThat(ddl.touchesFerrySchema("ferry_hub", "CREATE TABLE position (x INT)")).isTrue();
    assertThat(ddl.touchesFerrySchema(null, "DROP DATABASE ferry_hub")).isTrue();
    assertThat(ddl.touchesFerrySchema("ferry_hub", "ALTER TABLE s.t ADD COLUMN c INT")).isFalse();
    assertThat(ddl.touchesFerrySchema("s", "RENAME TABLE a TO ferry_x.a")).isTrue();
  }
}

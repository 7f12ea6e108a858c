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
}

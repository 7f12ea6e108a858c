package io.ferry.mysql.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.SqlType;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DdlParserTest {
  private Catalog catalog;
  private DdlParser parser;

  @BeforeEach
  void setUp() {
    catalog = new Catalog();
    catalog.setServerCharset("utf8mb4");
    parser = new DdlParser(catalog, c -> null);
  }

  private void ddl(String schema, String sql) {
    parser.apply(schema, sql);
  }

  private String columns(String schema, String table) {
    return catalog.table(schema, table).columns().stream()
        .map(
            c ->
                c.name()
                    + ":"
                    + c.type()
                    + (c.unsigned() ? "+u" : "")
                    + (c.key() ? "+key" : "")
                    + (c.charset() == null ? "" : "/" + c.charset()))
        .collect(Collectors.joining(" "));
  }

  @Test
  void createTableWithTypesCharsetsAndKeys() {
    ddl(null, "CREATE DATABASE d CHARACTER SET latin1");
    ddl(
        "d",
        "CREATE /*!32312 TABLE*/ `t` (\n"
            + " `id` int(10) unsigned NOT NULL AUTO_INCREMENT COMMENT 'the key, (really)',\n"
            + " name varchar(20) DEFAULT 'x,y' NOT NULL,\n"
            + " b varbinary(10),\n"
            + " e enum('a','b''c') CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,\n"
            + " d decimal(12,3) unsigned zerofill,\n"
            + " ts timestamp(6) NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),\n"
            + " g point NOT NULL,\n"
            + " v int AS (id + 1) VIRTUAL,\n"
            + " PRIMARY KEY (`id`),\n"
            + " KEY idx (name(5)),\n"
            + " CONSTRAINT fk FOREIGN KEY (id) REFERENCES other (id) ON DELETE CASCADE\n"
            + ") ENGINE=InnoDB /*!50100 PARTITION BY HASH (id) */");
    assertThat(columns("d", "t"))
        .isEqualTo(
            "id:INT+u+key name:VARCHAR/latin1 b:VARBINARY/binary e:ENUM/utf8mb4 d:DECIMAL+u"
                + " ts:TIMESTAMP g:GEOMETRY v:INT");
    ColumnSpec e = catalog.table("d", "t").columns().get(3);
    assertThat(e.labels()).containsExactly("a", "b'c");
    ColumnSpec d = catalog.table("d", "t").columns().get(4);
    assertThat(d.length()).isEqualTo(12);
    assertThat(d.scale()).isEqualTo(3);
    assertThat(catalog.table("d", "t").columns().get(5).scale()).isEqualTo(6);
  }

  @Test
  void tableCharsetOverridesTheDatabaseOne() {
    ddl(null, "CREATE DATABASE d DEFAULT CHARSET=latin1");
    ddl("d", "CREATE TABLE t (a CHAR(3), b TEXT CHARACTER SET utf8) DEFAULT CHARSET=utf8mb4");
    assertThat(columns("d", "t")).isEqualTo("a:CHAR/utf8mb4 b:TEXT/utf8mb3");
    ddl("d", "CREATE TABLE u (a CHAR(3)) COLLATE latin2_general_ci");
    assertThat(columns("d", "u")).isEqualTo("a:CHAR/latin2");
    ddl(null, "CREATE TABLE d.v (a NATIONAL VARCHAR(3), b LONG VARBINARY, c LONG, s SERIAL)");
    assertThat(columns("d", "v"))
        .isEqualTo("a:VARCHAR/utf8mb3 b:BLOB/binary c:TEXT/latin1 s:BIGINT+u");
  }

  @Test
  void alterTableInAllItsForms() {
    ddl(null, "CREATE DATABASE d");
    ddl("d", "CREATE TABLE t (id INT, a INT, b VARCHAR(5), c INT)");
    ddl("d", "ALTER TABLE t ADD COLUMN x BIGINT UNSIGNED AFTER id, DROP COLUMN c");
    assertThat(columns("d", "t")).isEqualTo("id:INT x:BIGINT+u a:INT b:VARCHAR/utf8mb4");
    ddl(
        "d",
        "ALTER TABLE t MODIFY a DECIMAL(5,2) FIRST, CHANGE COLUMN b bb TEXT CHARACTER SET latin1");
    assertThat(columns("d", "t")).isEqualTo("a:DECIMAL id:INT x:BIGINT+u bb:TEXT/latin1");
    ddl(
        "d",
        "ALTER TABLE t RENAME COLUMN x TO y, ADD PRIMARY KEY (id), ENGINE=InnoDB, ALGORITHM=INPLACE");
    assertThat(columns("d", "t")).isEqualTo("a:DECIMAL id:INT+key y:BIGINT+u bb:TEXT/latin1");
    ddl(
        "d",
        "ALTER TABLE t ADD (p INT, q DATE), ADD INDEX (a), ADD UNIQUE KEY u (q), DROP INDEX u");
    assertThat(columns("d", "t")).endsWith("p:INT q:DATE");
    ddl("d", "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    assertThat(columns("d", "t")).contains("bb:TEXT/utf8mb4");
    ddl("d", "ALTER TABLE t DROP PRIMARY KEY, RENAME TO d.t2");
    assertThat(catalog.table("d", "t")).isNull();
    assertThat(columns("d", "t2")).contains("id:INT ");
    ddl("d", "ALTER TABLE t2 ALTER COLUMN a SET DEFAULT 1, ALTER a DROP DEFAULT, FORCE");
    assertThat(columns("d", "t2")).startsWith("a:DECIMAL");
  }

  @Test
  void renameDropLikeAndDatabases() {
    ddl(null, "CREATE DATABASE d");
    ddl("d", "CREATE TABLE a (x INT)");
    ddl("d", "CREATE TABLE b (y VARCHAR(3))");
    ddl("d", "RENAME TABLE a TO tmp, b TO a, tmp TO b");
    assertThat(columns("d", "a")).isEqualTo("y:VARCHAR/utf8mb4");
    assertThat(columns("d", "b")).isEqualTo("x:INT");
    assertThat(catalog.table("d", "tmp")).isNull();
    ddl("d", "CREATE TABLE c LIKE b");
    assertThat(columns("d", "c")).isEqualTo("x:INT");
    ddl("d", "DROP TABLE IF EXISTS a, `b`");
    assertThat(catalog.table("d", "a")).isNull();
    ddl(null, "DROP DATABASE d");
    assertThat(catalog.tables()).isEmpty();
  }

  @Test
  void statementsThatDoNotChangeRowsAreIgnored() {
    for (String sql :
        List.of(
            "CREATE INDEX i ON t (a)",
            "CREATE OR REPLACE VIEW v AS SELECT 1",
            "GRANT SELECT ON *.* TO x",
            "CREATE TEMPORARY TABLE tmp (a INT)",
            "DROP TEMPORARY TABLE IF EXISTS tmp",
            "TRUNCATE TABLE t",
            "CREATE DEFINER=`root`@`localhost` TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET @x = 1")) {
      assertThat(parser.apply("d", sql)).as(sql).isEmpty();
    }
  }

  @Test
  void whatCannotBeUnderstoodIsAnError() {
    ddl(null, "CREATE DATABASE d");
    assertThatThrownBy(() -> ddl("d", "CREATE TABLE x SELECT 1 AS a"))
        .isInstanceOf(DdlException.class)
        .hasMessageContaining("CREATE TABLE ... SELECT");
    assertThatThrownBy(() -> ddl("d", "ALTER TABLE nope ADD COLUMN a INT"))
        .hasMessageContaining("does not know: d.nope");
    assertThatThrownBy(() -> ddl("d", "CREATE TABLE y (a FROBNICATOR)"))
        .hasMessageContaining("unknown column type 'frobnicator'");
    assertThatThrownBy(() -> ddl(null, "CREATE TABLE z (a INT)"))
        .hasMessageContaining("has no schema");
    assertThat(SqlType.values()).isNotEmpty();
  }
}

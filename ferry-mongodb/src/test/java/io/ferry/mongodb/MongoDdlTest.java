package io.ferry.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What DDL statements mean for MongoDB. */
class MongoDdlTest {
  @Test
  void createTableCarriesItsUniqueKeys() {
    assertThat(
            MongoDdl.parse(
                "s",
                "CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, email VARCHAR(80) UNIQUE,"
                    + " a INT, b CHAR(3), c TEXT, KEY (a), UNIQUE KEY ab (a, b DESC),"
                    + " CONSTRAINT uc UNIQUE (c(10)), CHECK (a > 0)) ENGINE=InnoDB"))
        .containsExactly(
            new MongoDdl.Create(
                "s", "t", false, List.of(List.of("email"), List.of("a", "b"), List.of("c"))));
    assertThat(MongoDdl.parse(null, "CREATE OR REPLACE TABLE `x`.`y` LIKE `x`.`z`"))
        .containsExactly(new MongoDdl.Create("x", "y", true, List.of()));
  }

  @Test
  void dropTruncateAndRenameTables() {
    assertThat(MongoDdl.parse("s", "DROP TABLE IF EXISTS a, o.b"))
        .containsExactly(new MongoDdl.Drop("s", "a"), new MongoDdl.Drop("o", "b"));
    assertThat(MongoDdl.parse("s", "TRUNCATE TABLE a"))
        .containsExactly(new MongoDdl.Truncate("s", "a"));
    assertThat(MongoDdl.parse("s", "RENAME TABLE a TO b, o.c TO p.d"))
        .containsExactly(
            new MongoDdl.Rename("s", "a", "s", "b"), new MongoDdl.Rename("o", "c", "p", "d"));
    assertThat(MongoDdl.parse("s", "DROP DATABASE IF EXISTS s2"))
        .containsExactly(new MongoDdl.DropSchema("s2"));
    assertThat(MongoDdl.parse("s", "DROP TEMPORARY TABLE tmp")).isEmpty();
  }

  @Test
  void alterTableRenamesAndDropsFieldsAndLeavesTheRest() {
    assertThat(
            MongoDdl.parse(
                "s",
                "ALTER TABLE t ADD COLUMN x INT DEFAULT (1 + 2), DROP COLUMN y, DROP INDEX k,"
                    + " CHANGE COLUMN a b INT, CHANGE c c BIGINT, RENAME COLUMN d TO e,"
                    + " MODIFY f VARCHAR(10), DROP z, RENAME TO u"))
        .containsExactly(
            new MongoDdl.DropField("s", "t", "y"),
            new MongoDdl.RenameField("s", "t", "a", "b"),
            new MongoDdl.RenameField("s", "t", "d", "e"),
            new MongoDdl.DropField("s", "t", "z"),
            new MongoDdl.Rename("s", "t", "s", "u"));
    assertThat(MongoDdl.parse("s", "ALTER TABLE t ENGINE = InnoDB")).isEmpty();
  }

  @Test
  void statementsWithoutRowsTranslateToNothing() {
    for (String sql :
        List.of(
            "CREATE INDEX i ON t (a)",
            "CREATE UNIQUE INDEX i ON t (a)",
            "DROP INDEX i ON t",
            "CREATE DATABASE d",
            "CREATE OR REPLACE VIEW v AS SELECT 1",
            "CREATE DEFINER = root@localhost TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET @a=1",
            "CREATE USER u IDENTIFIED BY 'p'",
            "GRANT SELECT ON *.* TO u",
            "ALTER DATABASE d CHARACTER SET utf8mb4")) {
      assertThat(MongoDdl.parse("s", sql)).as(sql).isEmpty();
    }
  }

  @Test
  void whatCannotBeReadStops() {
    assertThatThrownBy(() -> MongoDdl.parse("s", "CREATE FOO bar"))
        .isInstanceOf(MongoDdl.Untranslatable.class);
    assertThatThrownBy(() -> MongoDdl.parse(null, "DROP TABLE t"))
        .isInstanceOf(MongoDdl.Untranslatable.class)
        .hasMessageContaining("no default schema");
  }
}

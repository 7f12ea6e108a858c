package io.ferry.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.SqlType;
import io.ferry.core.target.SourceTable;
import io.ferry.core.target.TargetTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code ferry ddl translate --to postgresql} prints for a source table. */
class PgSchemaTranslatorTest {
  @Test
  void createTableWithKeysAndNotesOnConvertedColumns() {
    SourceTable t =
        new SourceTable(
            "Shop",
            "order items",
            List.of(
                new ColumnSpec(
                    "id",
                    SqlType.BIGINT,
                    "bigint(20) unsigned",
                    true,
                    false,
                    null,
                    true,
                    20,
                    0,
                    List.of()),
                new ColumnSpec(
                    "sku",
                    SqlType.VARCHAR,
                    "varchar(32)",
                    false,
                    false,
                    "utf8mb4",
                    false,
                    128,
                    0,
                    List.of()),
                new ColumnSpec(
                    "made",
                    SqlType.DATETIME,
                    "datetime(3)",
                    false,
                    true,
                    null,
                    false,
                    0,
                    3,
                    List.of())),
            List.of("id"),
            List.of(List.of("sku")));
    PgSchemaTranslator tr = new PgSchemaTranslator();
    assertThat(tr.createSchema("Shop")).isEqualTo("CREATE SCHEMA IF NOT EXISTS \"Shop\"");
    assertThat(tr.createTable(t))
        .containsExactly(
            "CREATE TABLE \"Shop\".\"order items\" (\n"
                + "  \"id\" numeric(20,0) NOT NULL,\n"
                + "  \"sku\" varchar(32) NOT NULL,\n"
                + "  \"made\" timestamp(3) without time zone,\n"
                + "  PRIMARY KEY (\"id\"),\n"
                + "  UNIQUE (\"sku\")\n"
                + ")",
            "COMMENT ON COLUMN \"Shop\".\"order items\".\"made\" IS 'MariaDB datetime(3): zero and"
                + " invalid dates are -infinity'");
  }

  @Test
  void theTypeIsRegisteredWithItsTranslator() {
    assertThat(TargetTypes.all().get("postgresql")).isInstanceOf(PostgresTargetType.class);
    assertThat(TargetTypes.all().get("postgresql").translators().get(0).dialect())
        .isEqualTo("postgresql");
  }

  @Test
  void addressesOfItsKindBecomeServiceLines() {
    PostgresTargetType type = new PostgresTargetType();
    assertThat(type.endpoint("postgresql://ferry:p%40ss@10.0.0.9:5433/analytics"))
        .containsExactly(
            "target.type = postgresql",
            "target.host = 10.0.0.9",
            "target.port = 5433",
            "target.user = ferry",
            "target.password = p@ss",
            "target.database = analytics");
    // in a URL's user info '+' is a plus, not a space
    assertThat(type.endpoint("postgresql://u+1:a+b%2Bc%20d@h/db"))
        .contains("target.user = u+1", "target.password = a+b+c d");
    assertThat(type.endpoint("kafka://h:9092")).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> type.endpoint("postgresql://host/db"))
        .hasMessageContaining("postgresql://user:password@host:port/database");
  }
}

package io.ferry.postgresql;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.SqlType;
import io.ferry.core.target.SchemaTranslator;
import io.ferry.core.target.SourceTable;
import io.ferry.core.target.TargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ferry ddl translate --to postgresql}: CREATE TABLE with the type mapping of
 * docs/type-mapping/postgresql.md, the primary key and unique keys, every identifier quoted, and a
 * {@code COMMENT ON COLUMN} for each column whose values convert rather than copy. The table goes
 * into the schema of the source's name ({@code ferry ddl translate} has no service whose
 * target.postgresql.schema settings it could read). Stateless and thread-safe.
 */
public final class PgSchemaTranslator implements SchemaTranslator {
  @Override
  public String dialect() {
    return PostgresTargetType.NAME;
  }

  @Override
  public String createSchema(String schema) {
    return PgTableDdl.createSchema(schema);
  }

  /**
   * Runs the statements on {@code postgresql://user:password@host:port/database} (also written
   * {@code postgres://} or {@code warehouse+postgresql://}) in one transaction.
   */
  @Override
  public String apply(String address, List<String> statements) {
    String plain = address.startsWith("warehouse+") ? address.substring(10) : address;
    if (!plain.startsWith("postgresql://") && !plain.startsWith("postgres://")) {
      throw new TargetException(
          "the postgresql dialect applies to postgresql://user:password@host:port/database (or a"
              + " PostgreSQL sandbox server), not to this address");
    }
    PostgresTargetType.Address a = PostgresTargetType.Address.parse(plain);
    java.util.Properties props = new java.util.Properties();
    props.setProperty("user", a.user());
    props.setProperty("password", a.password());
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(a.jdbcUrl(), props)) {
      c.setAutoCommit(false);
      try (java.sql.Statement st = c.createStatement()) {
        for (String s : statements) {
          st.execute(s);
        }
        c.commit();
      } catch (java.sql.SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (java.sql.SQLException e) {
      throw new TargetException(
          "cannot apply the DDL on PostgreSQL at "
              + a.host()
              + " (nothing was changed): "
              + e.getMessage(),
          e);
    }
    return "applied " + statements.size() + " statements on PostgreSQL at " + a.host();
  }

  @Override
  public List<String> createTable(SourceTable table) {
    List<String> out = new ArrayList<>();
    out.add(
        PgTableDdl.createTable(
            table.schema(),
            table.name(),
            table.columns(),
            table.primaryKey(),
            table.uniqueKeys(),
            false));
    for (ColumnSpec c : table.columns()) {
      String note = conversion(c);
      if (note != null) {
        out.add(
            "COMMENT ON COLUMN "
                + PgSql.quote(table.schema())
                + "."
                + PgSql.quote(table.name())
                + "."
                + PgSql.quote(c.name())
                + " IS "
                + PgSql.literal(
                    "MariaDB " + (c.typeName() == null ? c.type() : c.typeName()) + ": " + note));
      }
    }
    return out;
  }

  /** What converting a column's values does, for its comment; null when they copy exactly. */
  static String conversion(ColumnSpec c) {
    SqlType t = c.type();
    return switch (t) {
      case DATE, DATETIME, TIMESTAMP -> "zero and invalid dates are -infinity";
      case TIME -> "an interval (TIME spans -838:59:59 to 838:59:59)";
      case ENUM -> "the label as text (index 0, the empty error value, is '')";
      case SET -> "the members' labels as comma-separated text";
      case JSON -> "jsonb: spacing, key order and duplicate keys are normalized";
      case GEOMETRY -> "WKB (EWKB with the SRID when it is not 0)";
      case YEAR -> "the year as a number (YEAR 0000 is 0)";
      case TINYINT ->
          c.typeName() != null && c.typeName().startsWith("tinyint(1)")
              ? "a number, not a boolean"
              : null;
      default -> null;
    };
  }
}

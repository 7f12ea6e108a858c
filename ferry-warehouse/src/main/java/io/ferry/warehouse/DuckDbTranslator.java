package io.ferry.warehouse;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.target.SchemaTranslator;
import io.ferry.core.target.SourceTable;
import io.ferry.core.target.TargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * MariaDB/MySQL tables as DuckDB tables, by the mapping of docs/type-mapping/warehouse.md. The
 * primary key is not declared (an index slows every merge several times; the warehouse applier's
 * merge keeps keys unique): a table comment names it, and its columns are NOT NULL. Stateless and
 * thread-safe.
 */
public final class DuckDbTranslator implements SchemaTranslator {
  /** DuckDB's largest DECIMAL precision. */
  static final int MAX_PRECISION = 38;

  @Override
  public String dialect() {
    return "duckdb";
  }

  @Override
  public String createSchema(String schema) {
    return "CREATE SCHEMA IF NOT EXISTS " + quote(schema);
  }

  /** Runs the statements on {@code duckdb:PATH} (the database file) in one transaction. */
  @Override
  public String apply(String address, List<String> statements) {
    if (!address.startsWith("duckdb:") || address.length() == "duckdb:".length()) {
      throw new TargetException(
          "the duckdb dialect applies to duckdb:PATH (the database file), not to this address");
    }
    String file = address.substring("duckdb:".length());
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + file)) {
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
      String why =
          e.getMessage() != null && e.getMessage().contains("Ambiguous reference to catalog")
              ? " (DuckDB names a database after its file: a file named like one of the"
                  + " schemas makes their names ambiguous; name the file otherwise, like"
                  + " warehouse.duckdb)"
              : " (nothing was changed; another process holding the file locks it)";
      throw new TargetException(
          "cannot apply the DDL on DuckDB file " + file + why + ": " + e.getMessage(), e);
    }
    return "applied " + statements.size() + " statements on DuckDB file " + file;
  }

  @Override
  public List<String> createTable(SourceTable table) {
    StringBuilder sb = new StringBuilder("CREATE TABLE IF NOT EXISTS ");
    sb.append(quote(table.schema())).append('.').append(quote(table.name())).append(" (");
    List<String> notes = new ArrayList<>();
    for (int i = 0; i < table.columns().size(); i++) {
      ColumnSpec c = table.columns().get(i);
      sb.append(i == 0 ? "\n  " : ",\n  ").append(quote(c.displayName(i))).append(' ');
      sb.append(typeName(c));
      if (!c.nullable() || table.primaryKey().contains(c.name())) {
        sb.append(" NOT NULL");
      }
      String note = note(c);
      if (note != null) {
        notes.add(
            "COMMENT ON COLUMN "
                + quote(table.schema())
                + "."
                + quote(table.name())
                + "."
                + quote(c.displayName(i))
                + " IS '"
                + note.replace("'", "''")
                + "'");
      }
    }
    sb.append("\n)");
    List<String> out = new ArrayList<>();
    out.add(sb.toString());
    if (!table.primaryKey().isEmpty()) {
      // Not declared: DuckDB would keep an index for it, which makes every batch merge several
      // times slower and blocks some ALTER TABLEs; the merge keeps keys unique by itself.
      out.add(
          "COMMENT ON TABLE "
              + quote(table.schema())
              + "."
              + quote(table.name())
              + " IS 'primary key on the source: ("
              + String.join(", ", table.primaryKey()).replace("'", "''")
              + "), kept unique by Ferry''s merge (not declared: DuckDB would index it)'");
    }
    out.addAll(notes);
    return out;
  }

  /** The DuckDB type of a MariaDB/MySQL column. */
  static String typeName(ColumnSpec c) {
    boolean u = c.unsigned();
    return switch (c.type()) {
      case TINYINT -> u ? "UTINYINT" : "TINYINT";
      case SMALLINT -> u ? "USMALLINT" : "SMALLINT";
      case MEDIUMINT, INT -> u ? "UINTEGER" : "INTEGER";
      case BIGINT -> u ? "UBIGINT" : "BIGINT";
      case DECIMAL -> {
        int p = c.length() > 0 ? c.length() : 10;
        yield p > MAX_PRECISION ? "VARCHAR" : "DECIMAL(" + p + "," + c.scale() + ")";
      }
      case FLOAT -> "FLOAT";
      case DOUBLE -> "DOUBLE";
      case BIT -> c.length() == 1 ? "BOOLEAN" : "UBIGINT";
      case YEAR -> "SMALLINT";
      case DATE -> "DATE";
      case TIME -> "INTERVAL";
      case DATETIME -> "TIMESTAMP";
      case TIMESTAMP -> "TIMESTAMPTZ";
      case CHAR, VARCHAR, TEXT, ENUM, SET -> "VARCHAR";
      case BINARY, VARBINARY, BLOB, GEOMETRY, OTHER -> "BLOB";
      case JSON -> "JSON";
    };
  }

  /** What a reader of the column should know, or null when the mapping is plain. */
  static String note(ColumnSpec c) {
    String source = c.typeName() != null ? c.typeName() : c.type().name().toLowerCase(Locale.ROOT);
    return switch (c.type()) {
      case DECIMAL ->
          c.length() > MAX_PRECISION
              ? source
                  + " on the source: beyond DuckDB's DECIMAL(38), kept exact as text (cast to"
                  + " DECIMAL(38,s) or DOUBLE to compute)"
              : null;
      case TIME -> source + " on the source: an INTERVAL, as TIME reaches -838:59:59..838:59:59";
      case DATE, DATETIME -> source + " on the source: zero and invalid dates are -infinity";
      case TIMESTAMP ->
          source + " on the source: the instant (UTC); the zero timestamp is -infinity";
      case ENUM, SET -> source + " on the source: the label(s)";
      case GEOMETRY -> source + " on the source: well-known binary (WKB), without the SRID";
      case BIT -> source + " on the source: " + (c.length() == 1 ? "true/false" : "its number");
      default -> null;
    };
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}

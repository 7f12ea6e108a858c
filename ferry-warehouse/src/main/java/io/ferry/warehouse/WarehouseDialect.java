package io.ferry.warehouse;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.target.SchemaTranslator;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What differs between the stores the warehouse target merges into: how to connect, the catalog's
 * DDL, how a staged CSV file is bulk-loaded, the merge statements, how values are written, and the
 * type names of translated DDL. Everything else (staging, netting, batching, the position) is the
 * applier's. Adding a warehouse is one implementation of this interface. Implementations are
 * immutable and thread-safe; the connections they make are not.
 */
public interface WarehouseDialect {
  /** {@code target.warehouse.dialect}'s value. */
  String name();

  /** Where the store is, for messages: {@code duckdb /path/db.duckdb}. */
  String describe();

  /** A new connection, auto-commit off. */
  Connection connect() throws SQLException;

  /** An identifier, quoted. */
  default String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /** {@code "schema"."table"}. */
  default String qualified(String schema, String table) {
    return quote(schema) + "." + quote(table);
  }

  /** The statement that creates a schema if it is missing. */
  default String createSchema(String schema) {
    return "CREATE SCHEMA IF NOT EXISTS " + quote(schema);
  }

  /** The type of the catalog's timestamp columns (UTC). */
  default String timestampType() {
    return "TIMESTAMP";
  }

  /**
   * The store's columns of a table, in order, each with its declared type; empty when there is no
   * such table.
   */
  Map<String, String> columns(Connection c, String schema, String table) throws SQLException;

  /** What kind of value a column of that declared type reads. */
  StoreKind kind(String declaredType);

  /** The CSV text of binary bytes for a binary column. */
  String binaryText(byte[] bytes);

  /** Whether text columns take a NUL character. */
  default boolean acceptsNul() {
    return true;
  }

  /**
   * Makes an empty staging table for a target table: its columns with the target's types, none NOT
   * NULL, plus {@code _ferry_seq BIGINT} and {@code _ferry_op} first. Part of the open transaction
   * or session-local; the applier drops it with {@link #dropStaging} after the merge.
   *
   * @return the staging table's (quoted) name
   */
  String createStaging(Connection c, String schema, String table, int number) throws SQLException;

  /** Drops (or empties) a staging table after its merge. */
  void dropStaging(Connection c, String staging) throws SQLException;

  /**
   * Bulk-loads a staged CSV file into the staging table: its fields are {@code _ferry_seq}, {@code
   * _ferry_op} and the named columns, in that order; NULL is the unquoted {@code \N}.
   */
  void load(Connection c, String staging, List<String> columns, Path csv)
      throws SQLException, IOException;

  /**
   * The statements that merge a loaded staging table into its target: every key the batch touched
   * is deleted, then the latest image of each key whose last change was not a delete is inserted.
   *
   * @param target the target's qualified name
   * @param staging the staging table's name
   * @param keys the key columns
   * @param columns the columns the batch writes
   */
  default List<String> merge(
      String target, String staging, List<String> keys, List<String> columns) {
    List<String> out = new ArrayList<>();
    StringBuilder on = new StringBuilder();
    StringBuilder keyList = new StringBuilder();
    for (String k : keys) {
      on.append(on.length() == 0 ? "" : " AND ")
          .append("t.")
          .append(quote(k))
          .append(" = s.")
          .append(quote(k));
      keyList.append(keyList.length() == 0 ? "" : ", ").append(quote(k));
    }
    out.add(
        "DELETE FROM "
            + target
            + " AS t USING (SELECT DISTINCT "
            + keyList
            + " FROM "
            + staging
            + ") AS s WHERE "
            + on);
    StringBuilder cols = new StringBuilder();
    for (String c : columns) {
      cols.append(cols.length() == 0 ? "" : ", ").append(quote(c));
    }
    out.add(
        "INSERT INTO "
            + target
            + " ("
            + cols
            + ") SELECT "
            + cols
            + " FROM (SELECT *, row_number() OVER (PARTITION BY "
            + keyList
            + " ORDER BY _ferry_seq DESC) AS _ferry_rn FROM "
            + staging
            + ") AS latest WHERE _ferry_rn = 1 AND _ferry_op = 'I'");
    return out;
  }

  /**
   * The translator of source tables into this store's tables, or null when none is on the class
   * path (then tables cannot be created from the log).
   */
  SchemaTranslator translator();

  /** A column's type name in this store (for ALTER TABLE ADD COLUMN), or null if unknown. */
  String typeName(ColumnSpec column);

  /** {@code ALTER TABLE ... RENAME TO ...} within one schema. */
  default String renameTable(String schema, String from, String to) {
    return "ALTER TABLE " + qualified(schema, from) + " RENAME TO " + quote(to);
  }

  /** Empties a table. */
  default String truncate(String schema, String table) {
    return "DELETE FROM " + qualified(schema, table);
  }

  /** Releases what it holds (an embedded database). */
  default void close() {}
}

package io.ferry.postgresql;

import io.ferry.core.event.ColumnSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL DDL for a source table: {@code CREATE SCHEMA IF NOT EXISTS} and {@code CREATE TABLE}
 * with every column's mapped type ({@link PgTypes}), NOT NULL where the source has it, the primary
 * key and the unique keys, every identifier quoted. Defaults, AUTO_INCREMENT, comments and
 * secondary indexes are not carried: rows arrive with every value. Stateless.
 */
public final class PgTableDdl {
  private PgTableDdl() {}

  /** {@code "name" type [NOT NULL]}. */
  public static String column(ColumnSpec c) {
    return PgSql.quote(c.name()) + " " + PgTypes.pgType(c) + (c.nullable() ? "" : " NOT NULL");
  }

  /** {@code CREATE SCHEMA IF NOT EXISTS "schema"}. */
  public static String createSchema(String schema) {
    return "CREATE SCHEMA IF NOT EXISTS " + PgSql.quote(schema);
  }

  /**
   * {@code CREATE TABLE}.
   *
   * @param primaryKey the primary key's columns, or empty
   * @param uniqueKeys each unique key's columns
   */
  public static String createTable(
      String schema,
      String table,
      List<ColumnSpec> columns,
      List<String> primaryKey,
      List<List<String>> uniqueKeys,
      boolean ifNotExists) {
    List<String> parts = new ArrayList<>();
    for (ColumnSpec c : columns) {
      parts.add(column(c));
    }
    if (!primaryKey.isEmpty()) {
      parts.add("PRIMARY KEY (" + names(primaryKey) + ")");
    }
    for (List<String> u : uniqueKeys) {
      parts.add("UNIQUE (" + names(u) + ")");
    }
    return "CREATE TABLE "
        + (ifNotExists ? "IF NOT EXISTS " : "")
        + PgSql.quote(schema)
        + "."
        + PgSql.quote(table)
        + " (\n  "
        + String.join(",\n  ", parts)
        + "\n)";
  }

  static String names(List<String> columns) {
    List<String> q = new ArrayList<>();
    for (String c : columns) {
      q.add(PgSql.quote(c));
    }
    return String.join(", ", q);
  }
}

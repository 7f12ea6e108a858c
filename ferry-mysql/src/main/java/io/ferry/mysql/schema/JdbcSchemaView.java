package io.ferry.mysql.schema;

import io.ferry.core.filter.SchemaView;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The tables of a MariaDB/MySQL server as its {@code information_schema} has them now, for filters
 * (column names, key columns). Connects on the first question, in a read-only session, and caches
 * each table's answer until {@link #forget} drops it. A failed question closes the connection and
 * is a retriable error; the next question opens a new one. Thread-safe.
 */
public final class JdbcSchemaView implements SchemaView, AutoCloseable {
  /**
   * The schema view could not be read: retriable, since the next question opens a new connection (a
   * network blip or a restarting server passes; the stage's retry window bounds the rest).
   */
  public static final class SchemaViewException extends RuntimeException
      implements io.ferry.core.pipeline.Retriable {
    private static final long serialVersionUID = 1L;

    SchemaViewException(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    public boolean isRetriable() {
      return true;
    }
  }

  private static final String COLUMNS =
      "SELECT COLUMN_NAME FROM information_schema.COLUMNS"
          + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";

  /**
   * The unique indexes whose every part is a NOT NULL column (a nullable unique key does not
   * identify a row: several rows may hold NULL there), the primary key first. Index parts without a
   * column (MySQL's functional indexes) have a null name and disqualify their index.
   */
  private static final String KEY =
      "SELECT s.INDEX_NAME, s.COLUMN_NAME, c.IS_NULLABLE FROM information_schema.STATISTICS s"
          + " LEFT JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = s.TABLE_SCHEMA"
          + " AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME"
          + " WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND s.NON_UNIQUE = 0"
          + " ORDER BY s.INDEX_NAME = 'PRIMARY' DESC, s.INDEX_NAME, s.SEQ_IN_INDEX";

  private final String description;
  private final Supplier<Connection> connector;
  private final Map<String, Optional<TableView>> cache = new ConcurrentHashMap<>();
  private Connection connection;

  /**
   * @param description what the server is, for errors ("source 127.0.0.1:3306")
   * @param connector opens a connection (called on the first question, and after a failure)
   */
  public JdbcSchemaView(String description, Supplier<Connection> connector) {
    this.description = description;
    this.connector = connector;
  }

  @Override
  public Optional<TableView> table(String schema, String table) {
    String id = schema + "\u0000" + table;
    Optional<TableView> known = cache.get(id);
    if (known != null) {
      return known;
    }
    Optional<TableView> read = read(schema, table);
    cache.put(id, read);
    return read;
  }

  @Override
  public void forget(String schema, String table) {
    if (table != null) {
      cache.remove(schema + "\u0000" + table);
    } else {
      cache.keySet().removeIf(k -> k.startsWith(schema + "\u0000"));
    }
  }

  private synchronized Optional<TableView> read(String schema, String table) {
    try {
      Connection c = connection();
      List<String> columns = new ArrayList<>();
      try (PreparedStatement st = c.prepareStatement(COLUMNS)) {
        st.setString(1, schema);
        st.setString(2, table);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            columns.add(rs.getString(1));
          }
        }
      }
      if (columns.isEmpty()) {
        return Optional.empty();
      }
      List<String> key = usableKey(c, schema, table);
      return Optional.of(new TableView(schema, table, columns, key));
    } catch (SQLException e) {
      closeQuietly();
      throw new SchemaViewException(
          "cannot read the definition of "
              + schema
              + "."
              + table
              + " from the "
              + description
              + ": "
              + e.getMessage()
              + " (the account needs SELECT on information_schema, which every account has,"
              + " and the server must be reachable)",
          e);
    }
  }

  /** The primary key, else the first unique key of NOT NULL columns; empty when there is none. */
  private static List<String> usableKey(Connection c, String schema, String table)
      throws SQLException {
    java.util.Map<String, List<String>> byIndex = new java.util.LinkedHashMap<>();
    java.util.Set<String> unusable = new java.util.HashSet<>();
    try (PreparedStatement st = c.prepareStatement(KEY)) {
      st.setString(1, schema);
      st.setString(2, table);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          String index = rs.getString(1);
          String column = rs.getString(2);
          byIndex.computeIfAbsent(index, k -> new ArrayList<>());
          if (column == null || !"NO".equals(rs.getString(3))) {
            unusable.add(index);
          } else {
            byIndex.get(index).add(column);
          }
        }
      }
    }
    for (java.util.Map.Entry<String, List<String>> e : byIndex.entrySet()) {
      if (!unusable.contains(e.getKey())) {
        return e.getValue();
      }
    }
    return List.of();
  }

  private boolean closed;

  private Connection connection() throws SQLException {
    if (closed) {
      throw new SQLException("the view is closed (its service is stopping)");
    }
    if (connection == null || connection.isClosed()) {
      try {
        connection = connector.get();
      } catch (RuntimeException e) {
        throw new SQLException(e.getMessage(), e);
      }
      connection.setReadOnly(true);
      connection.setAutoCommit(true);
    }
    return connection;
  }

  private void closeQuietly() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // already broken: the next question opens a new one
      }
      connection = null;
    }
  }

  @Override
  public synchronized void close() {
    closed = true; // a stage still asking after its service stopped gets no new connection
    closeQuietly();
  }
}

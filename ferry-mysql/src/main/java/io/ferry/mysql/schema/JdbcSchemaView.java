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
 * each table's answer until {@link #forget} drops it. A lost connection is opened again on the next
 * question. Thread-safe.
 */
public final class JdbcSchemaView implements SchemaView, AutoCloseable {
  private static final String COLUMNS =
      "SELECT COLUMN_NAME, COLUMN_KEY FROM information_schema.COLUMNS"
          + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";
  private static final String KEY =
      "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS"
          + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0"
          + " ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX";

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
      List<String> key = new ArrayList<>();
      try (PreparedStatement st = c.prepareStatement(KEY)) {
        st.setString(1, schema);
        st.setString(2, table);
        try (ResultSet rs = st.executeQuery()) {
          String first = null;
          while (rs.next()) {
            String index = rs.getString(1);
            if (first == null) {
              first = index;
            } else if (!first.equals(index)) {
              break; // the primary key, else the first unique key, only
            }
            key.add(rs.getString(2));
          }
        }
      }
      return Optional.of(new TableView(schema, table, columns, key));
    } catch (SQLException e) {
      closeQuietly();
      throw new IllegalStateException(
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

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = connector.get();
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
    closeQuietly();
  }
}

package io.ferry.warehouse;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.target.SchemaTranslator;
import io.ferry.core.target.TargetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.duckdb.DuckDBConnection;

/**
 * DuckDB, embedded: the store is one database file that this process opens (DuckDB allows one
 * writing process per file). Staged CSV files are loaded with {@code COPY ... FROM}. Thread-safe:
 * the database is opened once, and each caller gets a connection of its own.
 */
public final class DuckDbDialect implements WarehouseDialect {
  private static final DuckDbTranslator TRANSLATOR = new DuckDbTranslator();
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final Path file;
  private DuckDBConnection root;
  private int users;

  public DuckDbDialect(Path file) {
    this.file = file.toAbsolutePath().normalize();
  }

  @Override
  public String name() {
    return "duckdb";
  }

  @Override
  public String describe() {
    return "duckdb " + file;
  }

  public Path file() {
    return file;
  }

  @Override
  public synchronized Connection connect() throws SQLException {
    if (root == null || root.isClosed()) {
      try {
        Path dir = file.getParent();
        if (dir != null) {
          Files.createDirectories(dir);
        }
      } catch (IOException e) {
        throw new TargetException("cannot create the directory of " + describe() + ": " + e, e);
      }
      try {
        root = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file);
      } catch (SQLException e) {
        throw new SQLException(
            "cannot open the DuckDB database "
                + file
                + ": "
                + e.getMessage()
                + (String.valueOf(e.getMessage()).contains("lock")
                    ? " (another process has it open: DuckDB allows one writer per file; stop"
                        + " that process, or let readers open a copy)"
                    : ""),
            e.getSQLState(),
            e);
      }
    }
    Connection c = root.duplicate();
    c.setAutoCommit(false);
    users++;
    return released(c);
  }

  /**
   * The connection, closing the database when the last one handed out is closed: the file is free
   * for other processes as soon as the service is offline.
   */
  private Connection released(Connection c) {
    boolean[] closed = {false};
    return (Connection)
        java.lang.reflect.Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("close") && method.getParameterCount() == 0) {
                synchronized (this) {
                  if (!closed[0]) {
                    closed[0] = true;
                    try {
                      c.close();
                    } finally {
                      users--;
                      if (users == 0) {
                        close();
                      }
                    }
                  }
                }
                return null;
              }
              try {
                return method.invoke(c, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Override
  public synchronized void close() {
    if (root != null) {
      try {
        root.close();
      } catch (SQLException e) {
        // closing: nothing more to do
      }
      root = null;
    }
  }

  @Override
  public String timestampType() {
    return "TIMESTAMP";
  }

  @Override
  public Map<String, String> columns(Connection c, String schema, String table)
      throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name ="
                + " current_database() AND schema_name = ? AND table_name = ? ORDER BY"
                + " column_index")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  @Override
  public StoreKind kind(String declaredType) {
    String t = declaredType.toUpperCase(Locale.ROOT);
    if (t.startsWith("DECIMAL") || t.startsWith("NUMERIC")) {
      return StoreKind.DECIMAL;
    }
    if (t.equals("TIMESTAMP WITH TIME ZONE") || t.equals("TIMESTAMPTZ")) {
      return StoreKind.TIMESTAMP_TZ;
    }
    if (t.startsWith("TIMESTAMP")) {
      return StoreKind.TIMESTAMP;
    }
    return switch (t) {
      case "BOOLEAN" -> StoreKind.BOOLEAN;
      case "TINYINT",
          "SMALLINT",
          "INTEGER",
          "BIGINT",
          "HUGEINT",
          "UTINYINT",
          "USMALLINT",
          "UINTEGER",
          "UBIGINT",
          "UHUGEINT" ->
          StoreKind.INTEGER;
      case "FLOAT", "DOUBLE", "REAL" -> StoreKind.FLOAT;
      case "VARCHAR" -> StoreKind.TEXT;
      case "BLOB" -> StoreKind.BINARY;
      case "DATE" -> StoreKind.DATE;
      case "TIME" -> StoreKind.TIME;
      case "INTERVAL" -> StoreKind.INTERVAL;
      case "JSON" -> StoreKind.JSON;
      case "BIT" -> StoreKind.BITS;
      default -> StoreKind.OTHER;
    };
  }

  /** DuckDB reads a BLOB from text with {@code \xNN} escapes; printable ASCII but '\' as is. */
  @Override
  public String binaryText(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      int v = b & 0xff;
      if (v >= 0x20 && v < 0x7f && v != '\\' && v != '"') {
        sb.append((char) v);
      } else {
        sb.append("\\x").append(HEX[v >>> 4]).append(HEX[v & 0xf]);
      }
    }
    return sb.toString();
  }

  @Override
  public String createStaging(Connection c, String schema, String table, int number)
      throws SQLException {
    String name = "ferry_stage_" + number;
    try (Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS temp." + name);
      st.execute(
          "CREATE TEMP TABLE "
              + name
              + " AS SELECT NULL::BIGINT AS _ferry_seq, NULL::VARCHAR AS _ferry_op, t.* FROM "
              + qualified(schema, table)
              + " AS t LIMIT 0");
    }
    return "temp." + name;
  }

  @Override
  public void dropStaging(Connection c, String staging) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + staging);
    }
  }

  @Override
  public void load(Connection c, String staging, List<String> columns, Path csv)
      throws SQLException {
    StringBuilder cols = new StringBuilder("_ferry_seq, _ferry_op");
    for (String col : columns) {
      cols.append(", ").append(quote(col));
    }
    try (Statement st = c.createStatement()) {
      st.execute(
          "COPY "
              + staging
              + " ("
              + cols
              + ") FROM '"
              + csv.toAbsolutePath().toString().replace("'", "''")
              + "' (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULL '\\N',"
              + " ALLOW_QUOTED_NULLS false, AUTO_DETECT false, MAX_LINE_SIZE 2147483647)");
    }
  }

  @Override
  public SchemaTranslator translator() {
    return TRANSLATOR;
  }

  @Override
  public String typeName(ColumnSpec column) {
    return DuckDbTranslator.typeName(column);
  }
}

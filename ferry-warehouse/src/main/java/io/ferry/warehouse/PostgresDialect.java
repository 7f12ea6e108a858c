package io.ferry.warehouse;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.target.SchemaTranslator;
import io.ferry.core.target.SourceTable;
import io.ferry.core.target.TargetTypes;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Properties;
import org.postgresql.PGConnection;

/**
 * PostgreSQL as a warehouse: staged CSV files are streamed with {@code COPY ... FROM STDIN} into a
 * TEMP staging table shaped like the target, then merged with {@code DELETE ... USING} and {@code
 * INSERT ... SELECT}, in the transaction that writes the position. Tables are created with the
 * postgresql target's translator when its module is on the class path; values are written for the
 * types the tables have (whatever made them). Immutable and thread-safe.
 */
public final class PostgresDialect implements WarehouseDialect {
  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final Properties tls;

  public PostgresDialect(
      String host, int port, String database, String user, String password, Properties tls) {
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.password = password;
    this.tls = tls;
  }

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public String describe() {
    return "postgresql " + host + ":" + port + "/" + database;
  }

  @Override
  public Connection connect() throws SQLException {
    Properties p = new Properties();
    p.putAll(tls);
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("ApplicationName", "ferry warehouse");
    Connection c;
    try {
      c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, p);
    } catch (SQLException e) {
      throw new SQLException(
          "cannot connect to " + describe() + " as " + user + ": " + e.getMessage(),
          e.getSQLState(),
          e);
    }
    c.setAutoCommit(false);
    return c;
  }

  @Override
  public String timestampType() {
    return "timestamp";
  }

  @Override
  public boolean acceptsNul() {
    return false;
  }

  @Override
  public Map<String, String> columns(Connection c, String schema, String table)
      throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a JOIN"
                + " pg_class r ON r.oid = a.attrelid JOIN pg_namespace n ON n.oid ="
                + " r.relnamespace WHERE n.nspname = ? AND r.relname = ? AND a.attnum > 0 AND"
                + " NOT a.attisdropped ORDER BY a.attnum")) {
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
    String t = declaredType.toLowerCase(Locale.ROOT);
    int paren = t.indexOf('(');
    String base = paren < 0 ? t : t.substring(0, paren).trim();
    if (base.startsWith("timestamp")) {
      return t.contains("with time zone") ? StoreKind.TIMESTAMP_TZ : StoreKind.TIMESTAMP;
    }
    if (base.startsWith("time")) {
      return StoreKind.TIME;
    }
    if (base.startsWith("interval")) {
      return StoreKind.INTERVAL;
    }
    if (base.startsWith("bit")) {
      return StoreKind.BITS;
    }
    return switch (base) {
      case "boolean" -> StoreKind.BOOLEAN;
      case "smallint", "integer", "bigint" -> StoreKind.INTEGER;
      case "numeric" -> StoreKind.DECIMAL;
      case "real", "double precision" -> StoreKind.FLOAT;
      case "text", "character varying", "character", "citext", "name" -> StoreKind.TEXT;
      case "bytea" -> StoreKind.BINARY;
      case "date" -> StoreKind.DATE;
      case "json", "jsonb" -> StoreKind.JSON;
      default -> StoreKind.OTHER;
    };
  }

  /** bytea's hex input form. */
  @Override
  public String binaryText(byte[] bytes) {
    return "\\x" + java.util.HexFormat.of().formatHex(bytes);
  }

  @Override
  public String createStaging(Connection c, String schema, String table, int number)
      throws SQLException {
    String name = "ferry_stage_" + number;
    try (Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS pg_temp." + name);
      st.execute(
          "CREATE TEMP TABLE "
              + name
              + " ON COMMIT DROP AS SELECT NULL::bigint AS _ferry_seq, NULL::text AS _ferry_op,"
              + " t.* FROM "
              + qualified(schema, table)
              + " AS t WITH NO DATA");
    }
    return "pg_temp." + name;
  }

  @Override
  public void dropStaging(Connection c, String staging) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + staging);
    }
  }

  @Override
  public void load(Connection c, String staging, List<String> columns, Path csv)
      throws SQLException, IOException {
    StringBuilder cols = new StringBuilder("_ferry_seq, _ferry_op");
    for (String col : columns) {
      cols.append(", ").append(quote(col));
    }
    PGConnection pg = c.unwrap(PGConnection.class);
    try (InputStream in = Files.newInputStream(csv)) {
      pg.getCopyAPI()
          .copyIn(
              "COPY "
                  + staging
                  + " ("
                  + cols
                  + ") FROM STDIN (FORMAT csv, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULL"
                  + " '\\N')",
              in,
              1 << 16);
    }
    try (Statement st = c.createStatement()) {
      st.execute(
          "ANALYZE " + staging); // a temp table has no statistics: the merge's plan needs them
    }
  }

  /** The postgresql target's translator, found among the registered target types. */
  @Override
  public SchemaTranslator translator() {
    for (var type : TargetTypes.all().values()) {
      for (SchemaTranslator t : type.translators()) {
        if (t.dialect().equals("postgresql")) {
          return t;
        }
      }
    }
    return null;
  }

  /** The type the postgresql translator gives a lone column, read from its CREATE TABLE. */
  @Override
  public String typeName(ColumnSpec column) {
    SchemaTranslator t = translator();
    if (t == null) {
      return null;
    }
    List<String> ddl =
        t.createTable(new SourceTable("s", "t", List.of(column), List.of(), List.of()));
    String create = ddl.get(0);
    String col = quote(column.name()) + " ";
    int at = create.indexOf(col);
    if (at < 0) {
      return null;
    }
    String rest = create.substring(at + col.length());
    int end = rest.length();
    int depth = 0;
    for (int i = 0; i < rest.length(); i++) {
      char ch = rest.charAt(i);
      if (ch == '(') {
        depth++;
      } else if (ch == ')') {
        if (depth == 0) {
          end = i;
          break;
        }
        depth--;
      } else if ((ch == ',' || ch == '\n') && depth == 0) {
        end = i;
        break;
      }
    }
    String type = rest.substring(0, end).trim();
    int nn = type.toUpperCase(Locale.ROOT).indexOf(" NOT NULL");
    return nn < 0 ? type : type.substring(0, nn);
  }

  @Override
  public String truncate(String schema, String table) {
    return "TRUNCATE " + qualified(schema, table);
  }
}

package io.ferry.mysql.apply;

import io.ferry.core.event.SessionVariable;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.value.Charsets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Applies statements (statement-based and mixed logs, DDL) with the session context that gives them
 * their meaning on the source: the default schema, the statement's timestamp, insert ids, rand
 * seeds, user variables, sql_mode, collations, time zone, checks and auto-increment settings, and
 * for LOAD DATA the file the source logged. After a statement, the variables it changed go back to
 * the row-apply session before rows are applied again. Not thread-safe: one applier.
 */
final class StatementApplier {
  /** The session rows are applied in: exact values, errors instead of silent changes. */
  static final String ROW_SQL_MODE =
      "STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION";

  /** Session variables a statement may carry, as the extractor names them. */
  private static final Set<String> SYSTEM_VARIABLES =
      Set.of(
          "timestamp",
          "insert_id",
          "last_insert_id",
          "rand_seed1",
          "rand_seed2",
          "pseudo_thread_id",
          "foreign_key_checks",
          "unique_checks",
          "sql_auto_is_null",
          "sql_mode",
          "auto_increment_increment",
          "auto_increment_offset",
          "collation_connection",
          "collation_server",
          "collation_database",
          "time_zone",
          "lc_time_names");

  private final Connection connection;
  private final Set<String> changed = new LinkedHashSet<>();
  private String currentSchema;
  private String connectionCollation = "utf8mb4_general_ci";
  private long statementsApplied;

  StatementApplier(Connection connection) {
    this.connection = connection;
  }

  long statementsApplied() {
    return statementsApplied;
  }

  /** Sets the session rows are applied in; once per connection. */
  void initRowSession(boolean logToBinlog) throws SQLException {
    try (Statement st = connection.createStatement()) {
      if (!logToBinlog) {
        st.execute("SET SESSION sql_log_bin = 0");
      }
      st.execute(
          "SET SESSION time_zone = '+00:00', sql_mode = '"
              + ROW_SQL_MODE
              + "', foreign_key_checks = 1, unique_checks = 1");
      try (java.sql.ResultSet rs = st.executeQuery("SELECT @@collation_connection")) {
        if (rs.next()) {
          connectionCollation = rs.getString(1);
        }
      }
    }
    changed.clear();
    currentSchema = null;
  }

  /**
   * Sets a session variable for the rows of one transaction (foreign_key_checks=0 and the like).
   */
  void setForRows(String name, long value) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute("SET SESSION " + name + " = " + value);
    }
    changed.add(name);
  }

  /** Puts back every variable a statement or transaction changed. */
  void restoreRowSession() throws SQLException {
    if (changed.isEmpty()) {
      return;
    }
    StringBuilder sql = new StringBuilder("SET ");
    int n = 0;
    for (String name : changed) {
      String value =
          switch (name) {
            case "time_zone" -> "'+00:00'";
            case "sql_mode" -> "'" + ROW_SQL_MODE + "'";
            case "foreign_key_checks", "unique_checks" -> "1";
            case "collation_connection" -> "'" + connectionCollation + "'";
            default -> "DEFAULT";
          };
      if (name.equals("last_insert_id") || name.startsWith("rand_seed")) {
        continue; // consumed by the statement; nothing to restore
      }
      sql.append(n++ == 0 ? "" : ", ").append("SESSION ").append(name).append(" = ").append(value);
    }
    changed.clear();
    if (n > 0) {
      try (Statement st = connection.createStatement()) {
        st.execute(sql.toString());
      }
    }
  }

  /**
   * Runs a statement in its context. An error the source also logged ({@code expectedError}) is
   * what the source did, so it is accepted; in idempotent mode, errors that mean "already done"
   * (the object exists, or is already gone) are passed over.
   */
  void apply(SqlStatement st, int expectedError, boolean idempotent) throws SQLException {
    byte[] sqlBytes = st.unsafeSql();
    Path loadFile = null;
    List<String> sets = new ArrayList<>();
    try {
      byte[] file = null;
      long nameStart = -1;
      long nameEnd = -1;
      String duplicates = "error";
      for (SessionVariable v : st.session()) {
        switch (v.name()) {
          case "ferry.load_data.file" -> file = (byte[]) v.value();
          case "ferry.load_data.name_start" -> nameStart = (Long) v.value();
          case "ferry.load_data.name_end" -> nameEnd = (Long) v.value();
          case "ferry.load_data.duplicates" -> duplicates = (String) v.value();
          case "character_set_client" -> {
            // Ferry sends every statement as utf8mb4; collation_connection keeps literals' meaning
          }
          default -> sets.add(assignment(v));
        }
      }
      if (file != null) {
        loadFile = Files.createTempFile("ferry-load-data-", ".dat");
        Files.write(loadFile, file);
        sqlBytes = loadDataSql(sqlBytes, (int) nameStart, (int) nameEnd, duplicates, loadFile);
      }
      String sql = decode(sqlBytes, st.charset());
      try (Statement s = connection.createStatement()) {
        useSchema(s, st.defaultSchema());
        if (!sets.isEmpty()) {
          s.execute("SET " + String.join(", ", sets));
        }
        try {
          s.execute(sql);
        } catch (SQLException e) {
          if (!(expectedError != 0 && e.getErrorCode() == expectedError)
              && !(idempotent && alreadyDone(e.getErrorCode()))) {
            throw new RowApplyException(e, st.defaultSchema(), null, sql, null);
          }
        }
      }
      statementsApplied++;
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the LOAD DATA file for the target", e);
    } finally {
      if (loadFile != null) {
        try {
          Files.deleteIfExists(loadFile);
        } catch (IOException e) {
          // a temporary file left behind; the OS cleans its temp directory
        }
      }
    }
  }

  private void useSchema(Statement s, String schema) throws SQLException {
    if (schema != null && !schema.isEmpty() && !schema.equals(currentSchema)) {
      try {
        s.execute("USE " + RowApplier.quote(schema));
        currentSchema = schema;
      } catch (SQLException e) {
        if (e.getErrorCode() != 1049) { // unknown database: the statement may create it
          throw e;
        }
        currentSchema = null;
      }
    }
  }

  /** {@code SESSION name = literal} or {@code @name = literal}; remembers what to restore. */
  private String assignment(SessionVariable v) {
    String name = v.name();
    if (name.startsWith("@")) {
      return "@" + RowApplier.quote(name.substring(1)) + " = " + literal(v.value());
    }
    if (!SYSTEM_VARIABLES.contains(name)) {
      throw new IllegalArgumentException(
          "a statement carries session variable '" + name + "', which this applier does not know");
    }
    changed.add(name);
    return "SESSION " + name + " = " + literal(v.value());
  }

  /**
   * A session value as a literal: names (time zones, collations) quoted; everything else exact, as
   * rows are (a double user variable stays a double, a string keeps its charset).
   */
  static String literal(Object value) {
    if (value instanceof String s) {
      return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }
    return ExactLiterals.of(value);
  }

  private static boolean alreadyDone(int code) {
    return switch (code) {
      case 1007, // database exists
          1008, // database does not exist
          1050, // table exists
          1051, // unknown table
          1054, // unknown column
          1060, // duplicate column
          1061, // duplicate key name
          1068, // multiple primary key
          1091, // cannot drop: does not exist
          1146, // table does not exist
          1826 // duplicate foreign key
          ->
          true;
      default -> false;
    };
  }

  /** The statement decoded from its charset; bytes that are not valid in it cannot be replayed. */
  private static String decode(byte[] sql, String charset) {
    try {
      return Charsets.forSqlName(charset)
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(sql))
          .toString();
    } catch (CharacterCodingException e) {
      throw new RowApplyException(
          null,
          null,
          null,
          new String(sql, StandardCharsets.ISO_8859_1),
          null,
          "the statement has bytes that are not valid "
              + charset
              + " (binary literals in a statement-based log): it cannot be replayed exactly through"
              + " this applier; log rows (binlog_format=ROW) on the source");
    }
  }

  /**
   * The LOAD DATA statement with the part the source marked ({@code [LOCAL] INFILE 'name'
   * [IGNORE|REPLACE] INTO}) replaced by {@code LOCAL INFILE}, the local copy of the file, the
   * duplicate handling and {@code INTO}.
   */
  private static byte[] loadDataSql(byte[] sql, int start, int end, String duplicates, Path file) {
    if (start < 0 || end < start || end > sql.length) {
      throw new IllegalArgumentException(
          "the LOAD DATA statement's file name position " + start + ".." + end + " is not in it");
    }
    byte[] name =
        (" LOCAL INFILE '"
                + file.toString().replace("\\", "\\\\").replace("'", "''")
                + "'"
                + (duplicates.equals("error") ? "" : " " + duplicates.toUpperCase(Locale.ROOT))
                + " INTO ")
            .getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(start + name.length + sql.length - end);
    b.put(sql, 0, start).put(name).put(sql, end, sql.length - end);
    return b.array();
  }
}

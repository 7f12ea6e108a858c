package io.ferry.mysql.apply;

import io.ferry.core.event.SessionVariable;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.value.Charsets;
import io.ferry.mysql.sql.Secrets;
import io.ferry.mysql.sql.StatementKind;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies statements (statement-based and mixed logs, DDL) with the session context that gives them
 * their meaning on the source: the default schema, the statement's timestamp, insert ids, rand
 * seeds, user variables, sql_mode, collations, time zone, checks and auto-increment settings, and
 * for LOAD DATA the file the source logged. Nothing a statement sets lingers: before the next
 * statement or row, every session variable it changed goes back to the row session (one SET,
 * together with the next statement's own settings). String values carry a character set introducer,
 * so that a statement's {@code collation_connection} (ucs2, utf32) cannot change how the next SET
 * is read. Not thread-safe: one applier.
 */
final class StatementApplier {
  private static final Logger LOG = LoggerFactory.getLogger(StatementApplier.class);

  /**
   * The session rows are applied in: values stored as logged, not re-validated, as native row
   * replication stores them (invalid dates a permissive source session accepted, zero dates, a 0 in
   * an auto-increment column).
   */
  static final String ROW_SQL_MODE =
      "NO_AUTO_VALUE_ON_ZERO,ALLOW_INVALID_DATES,NO_ENGINE_SUBSTITUTION";

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

  /**
   * Variables the next statement consumes (the server forgets them once used): set for every
   * statement that carries them, even with the value the previous one had.
   */
  private static final Set<String> ONE_SHOT =
      Set.of("insert_id", "last_insert_id", "rand_seed1", "rand_seed2");

  private final Connection connection;
  private final String serviceTag;

  /** What differs from the row session now: variable name to the literal it was set to. */
  private final Map<String, String> changed = new LinkedHashMap<>();

  private String currentSchema;
  private String connectionCollation = "utf8mb4_general_ci";
  private long statementsApplied;

  /**
   * @param serviceTag the value of {@code @ferry_service} while rows are applied (triggers test it
   *     to pass over Ferry's rows), or null to leave it unset (triggers fire)
   */
  StatementApplier(Connection connection, String serviceTag) {
    this.connection = connection;
    this.serviceTag = serviceTag;
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
              + "', foreign_key_checks = 1, unique_checks = 1"
              + (serviceTag == null ? "" : ", @ferry_service = " + literal(serviceTag)));
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
   * Brings the session to what rows need: the row session, with a transaction's own settings
   * ({@code foreign_key_checks = 0} and the like, name to literal). Nothing is sent when the
   * session is there already.
   */
  void rowSession(Map<String, String> options) throws SQLException {
    if (changed.equals(options)) {
      return;
    }
    execute(settings(options, List.of()));
  }

  /** Whether the session is the row session with these options already (nothing to send). */
  boolean isRowSession(Map<String, String> options) {
    return changed.equals(options);
  }

  /**
   * The SET items that take the session from what it is to {@code wanted} (restoring what is not
   * wanted any more), followed by {@code always}; remembers the new state.
   */
  private List<String> settings(Map<String, String> wanted, List<String> always) {
    List<String> sets = new ArrayList<>();
    for (String name : changed.keySet()) {
      if (!wanted.containsKey(name)) {
        String restore = restore(name);
        if (restore != null) {
          sets.add(restore);
        }
      }
    }
    for (Map.Entry<String, String> w : wanted.entrySet()) {
      if (ONE_SHOT.contains(w.getKey()) || !w.getValue().equals(changed.get(w.getKey()))) {
        sets.add(assignment(w.getKey(), w.getValue()));
      }
    }
    sets.addAll(always);
    changed.clear();
    changed.putAll(wanted);
    return sets;
  }

  private void execute(List<String> sets) throws SQLException {
    if (!sets.isEmpty()) {
      try (Statement st = connection.createStatement()) {
        st.execute("SET " + String.join(", ", sets));
      }
    }
  }

  private String restore(String name) {
    return restore(name, connectionCollation, serviceTag);
  }

  /** The assignment that puts a variable back as the row session has it, or null for none. */
  private static String restore(String name, String connectionCollation, String serviceTag) {
    return switch (name) {
      case "time_zone" -> assignment(name, literal("+00:00"));
      case "sql_mode" -> assignment(name, literal(ROW_SQL_MODE));
      case "foreign_key_checks", "unique_checks" -> assignment(name, "1");
      case "collation_connection" -> assignment(name, literal(connectionCollation));
      case "@ferry_service" -> assignment(name, serviceTag == null ? "NULL" : literal(serviceTag));
      case "last_insert_id", "rand_seed1", "rand_seed2" -> null; // consumed by the statement
      default -> assignment(name, "DEFAULT");
    };
  }

  private static String assignment(String name, String literal) {
    return (name.startsWith("@") ? name : "SESSION " + name) + " = " + literal;
  }

  /** Runs a statement that needs no context (savepoints). */
  void plain(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new RowApplyException(e, null, null, sql, null);
    }
    statementsApplied++;
  }

  /**
   * Runs a statement in its context. An error the source also logged ({@code expectedError}) is
   * what the source did, so it is accepted; in idempotent mode, errors that mean "already done"
   * (the object exists, or is already gone) are passed over. Triggers fire, as they do for a
   * statement on a native replica: {@code @ferry_service} is NULL while it runs.
   */
  void apply(SqlStatement st, int expectedError, boolean idempotent, StatementKind kind)
      throws SQLException {
    boolean mayChangeSchema = kind != StatementKind.DML;
    Context context = Context.of(st);
    if (context.errorCode() != 0) {
      expectedError = context.errorCode();
    }
    byte[] sqlBytes = st.unsafeSql();
    Path loadFile = null;
    Map<String, String> wanted = new LinkedHashMap<>(context.settings());
    if (serviceTag != null) {
      wanted.put("@ferry_service", "NULL");
    }
    try {
      if (context.loadFile() != null) {
        loadFile = Files.createTempFile("ferry-load-data-", ".dat");
        Files.write(loadFile, context.loadFile());
        sqlBytes =
            loadDataSql(
                sqlBytes, context.nameStart(), context.nameEnd(), context.duplicates(), loadFile);
      }
      String sql = decode(sqlBytes, st.charset());
      try (Statement s = connection.createStatement()) {
        useSchema(s, st.defaultSchema());
        List<String> sets = settings(wanted, context.userVariables());
        if (!sets.isEmpty()) {
          s.execute("SET " + String.join(", ", sets));
        }
        try {
          s.execute(sql);
        } catch (SQLException e) {
          if (!(expectedError != 0 && e.getErrorCode() == expectedError)) {
            if (!(idempotent && alreadyDone(e.getErrorCode(), kind))) {
              throw new RowApplyException(e, st.defaultSchema(), null, sql, null);
            }
            LOG.warn(
                "applying again a statement that was running when the service stopped: passed"
                    + " over [error {}] {} ({})",
                e.getErrorCode(),
                e.getMessage(),
                Secrets.redact(sql.length() > 300 ? sql.substring(0, 300) + "..." : sql));
          }
        } finally {
          if (mayChangeSchema) {
            currentSchema = null; // DROP DATABASE leaves the session without a default schema
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

  /**
   * What a statement carries besides its text: its session settings (name to literal), its user
   * variables (as assignments), and for LOAD DATA the file and where its name is in the statement.
   * Never compared: the file's bytes are carried, not a value.
   */
  @SuppressWarnings("ArrayRecordComponent")
  record Context(
      Map<String, String> settings,
      List<String> userVariables,
      byte[] loadFile,
      int nameStart,
      int nameEnd,
      String duplicates,
      int errorCode) {

    static Context of(SqlStatement st) {
      Map<String, String> settings = new LinkedHashMap<>();
      List<String> userVariables = new ArrayList<>();
      byte[] file = null;
      long nameStart = -1;
      long nameEnd = -1;
      String duplicates = "error";
      int errorCode = 0;
      for (SessionVariable v : st.session()) {
        switch (v.name()) {
          case SqlStatement.ERROR_CODE -> errorCode = ((Long) v.value()).intValue();
          case "ferry.load_data.file" -> file = (byte[]) v.value();
          case "ferry.load_data.name_start" -> nameStart = (Long) v.value();
          case "ferry.load_data.name_end" -> nameEnd = (Long) v.value();
          case "ferry.load_data.duplicates" -> duplicates = (String) v.value();
          case "character_set_client" -> {
            // Ferry sends every statement as utf8mb4; collation_connection keeps literals' meaning
          }
          default -> {
            if (v.name().startsWith("@")) {
              userVariables.add(
                  "@" + RowStatements.quote(v.name().substring(1)) + " = " + literal(v.value()));
            } else if (!SYSTEM_VARIABLES.contains(v.name())) {
              throw new IllegalArgumentException(
                  "a statement carries session variable '"
                      + v.name()
                      + "', which this applier does not know");
            } else {
              settings.put(v.name(), literal(v.value()));
            }
          }
        }
      }
      return new Context(
          settings, userVariables, file, (int) nameStart, (int) nameEnd, duplicates, errorCode);
    }

    /** The SET items that give the statement its context. */
    List<String> assignments() {
      List<String> sets = new ArrayList<>();
      settings.forEach((name, literal) -> sets.add(assignment(name, literal)));
      sets.addAll(userVariables);
      return sets;
    }
  }

  /** The SET items that put the row session back after a statement changed these variables. */
  static List<String> restoring(java.util.Collection<String> names, String collation) {
    List<String> sets = new ArrayList<>();
    for (String name : names) {
      String r = restore(name, collation, null);
      if (r != null) {
        sets.add(r);
      }
    }
    return sets;
  }

  private void useSchema(Statement s, String schema) throws SQLException {
    if (schema != null && !schema.isEmpty() && !schema.equals(currentSchema)) {
      try {
        s.execute("USE " + RowStatements.quote(schema));
        currentSchema = schema;
      } catch (SQLException e) {
        if (e.getErrorCode() != 1049) { // unknown database: the statement may create it
          throw e;
        }
        currentSchema = null;
      }
    }
  }

  /**
   * A session value as a literal, exact as rows are (a double user variable stays a double, a
   * string keeps its charset): names (time zones, collations) as utf8mb4 hex with an introducer,
   * which reads the same whatever the session's collation_connection and sql_mode.
   */
  static String literal(Object value) {
    return ExactLiterals.of(value);
  }

  /**
   * Whether an error, met while a transaction a crash interrupted is applied again, means that this
   * statement had already run: the object exists or is gone (DDL), or the rows an insert would add
   * are there (a statement on a table that cannot roll back, which the target finished after Ferry
   * stopped).
   */
  private static boolean alreadyDone(int code, StatementKind kind) {
    if (kind == StatementKind.DML) {
      return code == 1062;
    }
    return switch (code) {
      case 1304, // stored routine exists
          1305, // stored routine does not exist
          1359, // trigger exists
          1360, // trigger does not exist
          1396, // CREATE/DROP USER or ROLE of an account that exists or not
          1537, // event exists
          1539, // event does not exist
          4092, // unknown view (MariaDB)
          1007, // database exists
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

package io.ferry.mysql.sql;

import io.ferry.mysql.sql.SqlTokenizer.Kind;
import io.ferry.mysql.sql.SqlTokenizer.Token;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Set;

/**
 * Says what kind a MariaDB/MySQL statement is ({@link StatementKind}) from its first tokens, as the
 * {@link SqlTokenizer} reads them: comments skipped, executable comments ({@code /*!}, {@code
 * /*M!}) read as code, quoting and case respected. Follows the servers' documented lists of
 * statements that commit implicitly (MariaDB and MySQL). What it does not recognize is {@link
 * StatementKind#UNKNOWN}, which every caller treats as the safe kind. Stateless.
 */
public final class StatementClassifier {
  /** How much of a statement is decoded to classify it: the kind is in its first words. */
  private static final int PREFIX_BYTES = 64 * 1024;

  private static final int TOKENS = 8;

  private static final Set<String> DDL = Set.of("ALTER", "RENAME", "TRUNCATE", "GRANT", "REVOKE");

  private static final Set<String> IMPLICIT_COMMIT =
      Set.of(
          "ANALYZE",
          "OPTIMIZE",
          "REPAIR",
          "CHECK",
          "FLUSH",
          "RESET",
          "CACHE",
          "LOCK",
          "UNLOCK",
          "INSTALL",
          "UNINSTALL",
          "CHANGE",
          "STOP",
          "SHUTDOWN",
          "PURGE");

  private static final Set<String> DML =
      Set.of(
          "INSERT",
          "REPLACE",
          "UPDATE",
          "DELETE",
          "SELECT",
          "DO",
          "CALL",
          "WITH",
          "VALUES",
          "TABLE",
          "HANDLER",
          "CHECKSUM");

  private StatementClassifier() {}

  /** The kind of a statement given as text. */
  public static StatementKind classify(String sql) {
    return classify(SqlTokenizer.tokenize(sql, TOKENS), sql);
  }

  /**
   * The kind of a statement given as the bytes the source logged, in its character set; only the
   * start of a long statement is decoded.
   */
  public static StatementKind classify(byte[] sql, Charset charset) {
    int n = Math.min(sql.length, PREFIX_BYTES);
    return classify(new String(sql, 0, n, charset)); // a character cut in two is replaced
  }

  private static StatementKind classify(List<Token> t, String sql) {
    if (t.isEmpty()) {
      return StatementKind.UNKNOWN;
    }
    Token first = t.get(0);
    if (first.isSymbol("(")) {
      return StatementKind.DML; // (SELECT ...) UNION ...
    }
    if (first.kind() != Kind.WORD) {
      return StatementKind.UNKNOWN;
    }
    String w = first.upper();
    if (DML.contains(w)) {
      return StatementKind.DML;
    }
    if (DDL.contains(w)) {
      return StatementKind.DDL;
    }
    if (IMPLICIT_COMMIT.contains(w)) {
      return StatementKind.IMPLICIT_COMMIT;
    }
    return switch (w) {
      case "BEGIN" ->
          t.size() == 1 || (t.size() == 2 && t.get(1).is("WORK"))
              ? StatementKind.BEGIN
              : StatementKind.UNKNOWN; // BEGIN NOT ATOMIC ... END: a compound statement
      case "START" -> is(t, 1, "TRANSACTION") ? StatementKind.BEGIN : StatementKind.IMPLICIT_COMMIT;
      case "COMMIT" -> StatementKind.COMMIT;
      case "ROLLBACK" ->
          is(t, 1, "TO") || (is(t, 1, "WORK") && is(t, 2, "TO"))
              ? StatementKind.ROLLBACK_TO_SAVEPOINT
              : StatementKind.ROLLBACK;
      case "SAVEPOINT" -> StatementKind.SAVEPOINT;
      case "RELEASE" ->
          is(t, 1, "SAVEPOINT") ? StatementKind.RELEASE_SAVEPOINT : StatementKind.UNKNOWN;
      case "XA" -> xa(t);
      case "CREATE" -> temporary(t) ? StatementKind.TEMPORARY_TABLE : StatementKind.DDL;
      case "DROP" ->
          temporary(t)
              ? StatementKind.TEMPORARY_TABLE
              : is(t, 1, "PREPARE") ? StatementKind.UNKNOWN : StatementKind.DDL;
      case "LOAD" ->
          is(t, 1, "INDEX") ? StatementKind.IMPLICIT_COMMIT : StatementKind.DML; // LOAD DATA|XML
      case "SET" -> set(t, sql);
      default -> StatementKind.UNKNOWN;
    };
  }

  /**
   * The statement itself: MariaDB's {@code SET STATEMENT var = value [, ...] FOR statement} gives
   * its statement, anything else is returned as it is.
   */
  public static String unwrap(String sql) {
    List<Token> t = SqlTokenizer.tokenize(sql, 3);
    if (t.size() < 2 || !t.get(0).is("SET") || !t.get(1).is("STATEMENT")) {
      return sql;
    }
    // find the FOR at depth 0 in the text, skipping quoted parts the way the tokenizer does
    int depth = 0;
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"' || c == '`') {
        int end = i + 1;
        while (end < n && sql.charAt(end) != c) {
          end += sql.charAt(end) == '\\' && c != '`' ? 2 : 1;
        }
        i = end + 1;
        continue;
      }
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (depth == 0
          && (c == 'F' || c == 'f')
          && i + 3 <= n
          && sql.regionMatches(true, i, "FOR", 0, 3)
          && (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)))
          && (i + 3 == n || !Character.isLetterOrDigit(sql.charAt(i + 3)))) {
        return sql.substring(i + 3).strip();
      }
      i++;
    }
    return sql;
  }

  private static StatementKind xa(List<Token> t) {
    if (t.size() < 2) {
      return StatementKind.UNKNOWN;
    }
    return switch (t.get(1).upper()) {
      case "START", "BEGIN" -> StatementKind.XA_START;
      case "END" -> StatementKind.XA_END;
      case "PREPARE" -> StatementKind.XA_PREPARE;
      case "COMMIT" -> StatementKind.XA_COMMIT;
      case "ROLLBACK" -> StatementKind.XA_ROLLBACK;
      default -> StatementKind.UNKNOWN;
    };
  }

  /** {@code CREATE|DROP [OR REPLACE] TEMPORARY TABLE}. */
  private static boolean temporary(List<Token> t) {
    int i = 1;
    if (is(t, i, "OR") && is(t, i + 1, "REPLACE")) {
      i += 2;
    }
    return is(t, i, "TEMPORARY") && is(t, i + 1, "TABLE");
  }

  /**
   * {@code SET PASSWORD} and {@code SET DEFAULT ROLE} commit implicitly; MariaDB's {@code SET
   * STATEMENT var = value [, ...] FOR statement} is the kind of its statement; any other SET in a
   * binlog is unexpected.
   */
  private static StatementKind set(List<Token> t, String sql) {
    if (is(t, 1, "PASSWORD") || (is(t, 1, "DEFAULT") && is(t, 2, "ROLE"))) {
      return StatementKind.IMPLICIT_COMMIT;
    }
    if (is(t, 1, "STATEMENT")) {
      List<Token> all = SqlTokenizer.tokenize(sql, 512);
      int depth = 0;
      for (int i = 2; i < all.size(); i++) {
        Token k = all.get(i);
        depth += k.isSymbol("(") ? 1 : k.isSymbol(")") ? -1 : 0;
        if (depth == 0 && k.is("FOR")) {
          return classify(all.subList(i + 1, Math.min(all.size(), i + 1 + TOKENS)), "");
        }
      }
    }
    return StatementKind.UNKNOWN;
  }

  private static boolean is(List<Token> t, int i, String word) {
    return i < t.size() && t.get(i).is(word);
  }
}

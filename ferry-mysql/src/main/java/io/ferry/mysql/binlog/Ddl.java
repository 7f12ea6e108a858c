package io.ferry.mysql.binlog;

import java.util.Locale;
import java.util.regex.Pattern;

/** Recognizes statements that change the schema (and commit implicitly). */
final class Ddl {
  private static final Pattern DDL =
      Pattern.compile(
          "^\\s*(/\\*.*?\\*/\\s*)*(CREATE|ALTER|DROP|RENAME|TRUNCATE|GRANT|REVOKE)\\b",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private Ddl() {}

  static boolean isDdl(String sql) {
    return DDL.matcher(sql).find();
  }

  /** Whether a statement changes a table's definition (what a schema history must follow). */
  static boolean changesTables(String sql) {
    String s = sql.stripLeading().toUpperCase(Locale.ROOT);
    return s.startsWith("CREATE")
        || s.startsWith("ALTER")
        || s.startsWith("DROP")
        || s.startsWith("RENAME");
  }
}

package io.ferry.postgresql;

/** PostgreSQL SQL text helpers. Stateless. */
final class PgSql {
  private PgSql() {}

  /** A quoted identifier: {@code "name"}, with inner quotes doubled; the case is kept. */
  static String quote(String identifier) {
    if (identifier.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "the name '" + identifier.replace("\0", "\\0") + "' has a NUL character");
    }
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /** A string literal (standard_conforming_strings on): {@code 'it''s'}. */
  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}

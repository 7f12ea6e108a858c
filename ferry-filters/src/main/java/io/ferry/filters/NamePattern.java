package io.ferry.filters;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A pattern over qualified names: {@code schema}, {@code schema.table} or {@code
 * schema.table.column}, where {@code *} matches any run of characters and {@code ?} one character
 * within a part. A name part with a dot in it is written in backquotes ({@code `my.db`.t}). Names
 * are compared as the server stores them (case-sensitive, as MariaDB on Linux). Immutable.
 */
public final class NamePattern {
  private final String text;
  private final Part[] parts;

  /**
   * One part of a pattern: {@code *} alone matches anything, a part without wildcards is compared
   * as a string, the rest by a regular expression (filters run this for every change: the common
   * cases stay cheap).
   */
  private record Part(String literal, Pattern regex) {
    boolean matches(String name) {
      if (regex != null) {
        return regex.matcher(name).matches();
      }
      return literal == null || literal.equals(name);
    }
  }

  private NamePattern(String text, Part[] parts) {
    this.text = text;
    this.parts = parts;
  }

  /** Reads a pattern; a malformed one is an {@link IllegalArgumentException} naming it. */
  public static NamePattern parse(String text) {
    List<String> parts = split(text.strip());
    if (parts.isEmpty() || parts.size() > 3 || parts.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a name pattern: write schema, schema.table or schema.table.column"
              + " (* and ? are wildcards; quote a name with a dot in `backquotes`)");
    }
    Part[] compiled = new Part[parts.size()];
    for (int i = 0; i < compiled.length; i++) {
      compiled[i] = wildcard(parts.get(i));
    }
    return new NamePattern(text.strip(), compiled);
  }

  /** A comma-separated list of patterns (an empty text is an empty list). */
  public static List<NamePattern> parseList(String text) {
    List<NamePattern> out = new ArrayList<>();
    for (String item : text.split(",", -1)) {
      if (!item.isBlank()) {
        out.add(parse(item));
      }
    }
    return List.copyOf(out);
  }

  /**
   * The parts of a dotted name as this class reads them ({@code `my.db`.t} is {@code my.db} and
   * {@code t}), without reading wildcards: for filters whose settings name things by the same
   * syntax but give {@code *} a meaning of their own (rename rules). A backquote left open is an
   * {@link IllegalArgumentException}.
   */
  public static List<String> splitParts(String text) {
    return List.copyOf(split(text.strip()));
  }

  private static List<String> split(String text) {
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '`') {
        if (quoted && i + 1 < text.length() && text.charAt(i + 1) == '`') {
          cur.append('`');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == '.' && !quoted) {
        parts.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("'" + text + "': a backquote is not closed");
    }
    parts.add(cur.toString());
    return parts;
  }

  private static Part wildcard(String part) {
    if (part.equals("*")) {
      return new Part(null, null);
    }
    if (part.indexOf('*') < 0 && part.indexOf('?') < 0) {
      return new Part(part, null);
    }
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new Part(null, Pattern.compile(re.toString(), Pattern.DOTALL));
  }

  /** How many parts it has: 1 (schemas), 2 (tables) or 3 (columns). */
  public int depth() {
    return parts.length;
  }

  /** Whether it names this schema (a one-part pattern), or could name tables in it (longer). */
  public boolean matchesSchema(String schema) {
    return schema != null && parts[0].matches(schema);
  }

  /**
   * Whether it matches this table: a one-part pattern matches every table of its schemas, a
   * two-part one the tables it names; a three-part (column) pattern matches no table as a whole.
   */
  public boolean matchesTable(String schema, String table) {
    if (parts.length == 3 || !matchesSchema(schema)) {
      return false;
    }
    return parts.length == 1 || (table != null && parts[1].matches(table));
  }

  /** Whether it matches this column: three-part patterns only. */
  public boolean matchesColumn(String schema, String table, String column) {
    return parts.length == 3
        && matchesSchema(schema)
        && table != null
        && parts[1].matches(table)
        && column != null
        && parts[2].matches(column);
  }

  /** Whether any of the patterns matches the table. */
  public static boolean anyTable(List<NamePattern> patterns, String schema, String table) {
    for (NamePattern p : patterns) {
      if (p.matchesTable(schema, table)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return text;
  }
}

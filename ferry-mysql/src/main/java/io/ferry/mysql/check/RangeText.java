package io.ferry.mysql.check;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A key range as a person writes it and as check results print it: {@code LOWER..UPPER}, the lower
 * key included and the upper one not, either side empty for open; a key is a literal ({@code 42},
 * {@code 'abc'}, {@code 0x00ff}) or, for a key of several columns, a list of them in parentheses
 * ({@code (7, 'x')}). Stateless.
 */
public final class RangeText {
  /** A parsed range: each side the key values (String or byte[]), empty for open. */
  public record Range(List<Object> lower, List<Object> upper) {}

  private RangeText() {}

  public static String format(List<Object> lower, List<Object> upper) {
    return (lower.isEmpty() ? "" : Packed.display(lower))
        + ".."
        + (upper.isEmpty() ? "" : Packed.display(upper));
  }

  /**
   * Parses a range for a key of {@code width} columns.
   *
   * @throws IllegalArgumentException saying what is wrong and where
   */
  public static Range parse(String text, int width) {
    Parser p = new Parser(text);
    List<Object> lower = p.side(width);
    p.expect("..");
    List<Object> upper = p.side(width);
    p.end();
    return new Range(lower, upper);
  }

  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s == null ? "" : s;
    }

    List<Object> side(int width) {
      skip();
      if (i >= s.length() || s.startsWith("..", i)) {
        return List.of();
      }
      List<Object> values = new ArrayList<>();
      if (s.charAt(i) == '(') {
        i++;
        values.add(literal());
        skip();
        while (i < s.length() && s.charAt(i) == ',') {
          i++;
          values.add(literal());
          skip();
        }
        expect(")");
      } else {
        values.add(literal());
      }
      if (values.size() != width) {
        throw error(
            "a key of "
                + values.size()
                + " value(s) for a key of "
                + width
                + " column(s)"
                + (width > 1 ? ": write it as (v1, v2, ...)" : ""));
      }
      return values;
    }

    private Object literal() {
      skip();
      if (i >= s.length()) {
        throw error("a value is missing");
      }
      char ch = s.charAt(i);
      if (ch == '\'') {
        StringBuilder b = new StringBuilder();
        i++;
        while (true) {
          if (i >= s.length()) {
            throw error("a quoted value is not closed");
          }
          char x = s.charAt(i++);
          if (x == '\'') {
            if (i < s.length() && s.charAt(i) == '\'') {
              b.append('\'');
              i++;
            } else {
              return b.toString();
            }
          } else {
            b.append(x);
          }
        }
      }
      if (s.startsWith("0x", i)) {
        int start = i + 2;
        i = start;
        while (i < s.length() && Character.digit(s.charAt(i), 16) >= 0) {
          i++;
        }
        if ((i - start) % 2 != 0 || i == start) {
          throw error("a hex value has an even number of digits after 0x");
        }
        return HexFormat.of().parseHex(s, start, i);
      }
      int start = i;
      if (ch == '-') {
        i++;
      }
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        if (s.startsWith("..", i)) {
          break;
        }
        i++;
      }
      if (i == start || (i == start + 1 && ch == '-')) {
        throw error("expected a number, a 'quoted' value or 0x... ");
      }
      return s.substring(start, i);
    }

    void expect(String what) {
      skip();
      if (!s.startsWith(what, i)) {
        throw error("expected " + what);
      }
      i += what.length();
    }

    void end() {
      skip();
      if (i < s.length()) {
        throw error("unexpected text");
      }
    }

    private void skip() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(
          "range '"
              + s
              + "' at character "
              + (i + 1)
              + ": "
              + what
              + " (a range is LOWER..UPPER, either side empty for open: 100..200, 'a'..'m',"
              + " (1, 'x')..)");
    }
  }
}

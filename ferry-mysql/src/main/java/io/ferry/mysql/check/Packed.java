package io.ferry.mysql.check;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A list of texts as one text that any character may appear in: each element as its length, a colon
 * and itself ({@code 3:abc5:hello}). Key values travel the same way, each tagged {@code s} (text,
 * bound as a string) or {@code x} (bytes in hex, bound as bytes). Stateless.
 */
public final class Packed {
  private Packed() {}

  public static String join(List<String> items) {
    StringBuilder b = new StringBuilder();
    for (String s : items) {
      b.append(s.length()).append(':').append(s);
    }
    return b.toString();
  }

  public static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    int i = 0;
    while (i < text.length()) {
      int colon = text.indexOf(':', i);
      int n;
      try {
        n = colon < 0 ? -1 : Integer.parseInt(text.substring(i, colon));
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 0 || colon + 1 + n > text.length()) {
        throw new IllegalArgumentException(
            "not a packed list at character " + i + ": " + abbreviate(text));
      }
      out.add(text.substring(colon + 1, colon + 1 + n));
      i = colon + 1 + n;
    }
    return out;
  }

  /** Key values (String or byte[]) as one text. */
  public static String values(List<Object> values) {
    List<String> tagged = new ArrayList<>(values.size());
    for (Object v : values) {
      tagged.add(
          v instanceof byte[] b ? "x" + HexFormat.of().formatHex(b) : "s" + String.valueOf(v));
    }
    return join(tagged);
  }

  /** The key values of {@link #values(List)}: String or byte[]. */
  public static List<Object> values(String text) {
    List<Object> out = new ArrayList<>();
    for (String t : split(text)) {
      if (t.startsWith("x")) {
        out.add(HexFormat.of().parseHex(t, 1, t.length()));
      } else if (t.startsWith("s")) {
        out.add(t.substring(1));
      } else {
        throw new IllegalArgumentException("not a key value: " + abbreviate(t));
      }
    }
    return out;
  }

  /** Key values as a person reads them: {@code (42, 'abc', 0x00ff)}. */
  public static String display(List<Object> values) {
    if (values.isEmpty()) {
      return "-";
    }
    StringBuilder b = new StringBuilder();
    for (Object v : values) {
      b.append(b.length() == 0 ? "" : ", ");
      if (v instanceof byte[] x) {
        b.append("0x").append(HexFormat.of().formatHex(x));
      } else {
        String s = v.toString();
        b.append(s.matches("-?[0-9]+(\\.[0-9]+)?") ? s : "'" + s.replace("'", "''") + "'");
      }
    }
    return values.size() == 1 ? b.toString() : "(" + b + ")";
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }
}

package io.ferry.mysql.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits MariaDB/MySQL DDL into tokens: words, quoted identifiers, string and number literals,
 * punctuation. Comments are dropped, except executable comments ({@code /*!40101 ... *}{@code /}),
 * whose content is code. Stateless.
 */
public final class SqlTokenizer {
  /** A token: its kind and text (identifiers unquoted; strings unescaped). */
  public record Token(Kind kind, String text) {
    public boolean is(String word) {
      return (kind == Kind.WORD) && text.equalsIgnoreCase(word);
    }

    public boolean isSymbol(String symbol) {
      return kind == Kind.SYMBOL && text.equals(symbol);
    }

    public String upper() {
      return text.toUpperCase(Locale.ROOT);
    }
  }

  public enum Kind {
    WORD,
    QUOTED,
    STRING,
    NUMBER,
    SYMBOL
  }

  private SqlTokenizer() {}

  public static List<Token> tokenize(String sql) {
    return tokenize(sql, Integer.MAX_VALUE);
  }

  /** The first {@code limit} tokens of the statement (all of them if it has fewer). */
  public static List<Token> tokenize(String sql, int limit) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = sql.length();
    while (i < n && tokens.size() < limit) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        if (i + 2 < n && sql.charAt(i + 2) == '!') {
          i += 3; // executable comment: skip the version digits, keep the code
          while (i < n && Character.isDigit(sql.charAt(i))) {
            i++;
          }
        } else if (i + 2 < n && sql.charAt(i + 2) == 'M' && i + 3 < n && sql.charAt(i + 3) == '!') {
          i += 4; // MariaDB's /*M! ... */
          while (i < n && Character.isDigit(sql.charAt(i))) {
            i++;
          }
        } else {
          int end = sql.indexOf("*/", i + 2);
          i = end < 0 ? n : end + 2;
        }
      } else if (c == '*' && i + 1 < n && sql.charAt(i + 1) == '/') {
        i += 2; // the end of an executable comment
      } else if (c == '#'
          || (c == '-'
              && i + 2 < n
              && sql.charAt(i + 1) == '-'
              && Character.isWhitespace(sql.charAt(i + 2)))) {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (c == '`') {
        StringBuilder sb = new StringBuilder();
        i++;
        while (i < n) {
          char d = sql.charAt(i);
          if (d == '`') {
            if (i + 1 < n && sql.charAt(i + 1) == '`') {
              sb.append('`');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          sb.append(d);
          i++;
        }
        tokens.add(new Token(Kind.QUOTED, sb.toString()));
      } else if (c == '\'' || c == '"') {
        StringBuilder sb = new StringBuilder();
        i++;
        while (i < n) {
          char d = sql.charAt(i);
          if (d == '\\' && i + 1 < n) {
            sb.append(unescape(sql.charAt(i + 1)));
            i += 2;
            continue;
          }
          if (d == c) {
            if (i + 1 < n && sql.charAt(i + 1) == c) {
              sb.append(c);
              i += 2;
              continue;
            }
            i++;
            break;
          }
          sb.append(d);
          i++;
        }
        tokens.add(new Token(Kind.STRING, sb.toString()));
      } else if (Character.isDigit(c)) {
        int start = i;
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
          i++;
        }
        tokens.add(new Token(Kind.NUMBER, sql.substring(start, i)));
      } else if (Character.isLetter(c) || c == '_' || c == '$' || c == '@' || c > 127) {
        int start = i;
        while (i < n) {
          char d = sql.charAt(i);
          if (Character.isLetterOrDigit(d) || d == '_' || d == '$' || d == '@' || d > 127) {
            i++;
          } else {
            break;
          }
        }
        tokens.add(new Token(Kind.WORD, sql.substring(start, i)));
      } else {
        tokens.add(new Token(Kind.SYMBOL, String.valueOf(c)));
        i++;
      }
    }
    return tokens;
  }

  private static char unescape(char c) {
    return switch (c) {
      case 'n' -> '\n';
      case 't' -> '\t';
      case 'r' -> '\r';
      case '0' -> '\0';
      case 'Z' -> 26;
      default -> c;
    };
  }
}

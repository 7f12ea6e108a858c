package io.ferry.mysql.sql;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides the passwords a statement can carry (CREATE/ALTER USER ... IDENTIFIED BY, SET PASSWORD,
 * PASSWORD('...'), CHANGE MASTER TO MASTER_PASSWORD) before the statement is shown in an error, a
 * status or a log: the literal becomes {@code '*****'}. The statement itself, as applied and kept
 * in the THL, is not changed.
 */
public final class Secrets {
  private Secrets() {}

  // unrolled and possessive: linear, and no recursion per character on long literals
  private static final String LITERAL =
      "(?:'[^'\\\\]*+(?:(?:\\\\.|'')[^'\\\\]*+)*+'"
          + "|\"[^\"\\\\]*+(?:(?:\\\\.|\"\")[^\"\\\\]*+)*+\")";

  private static final Pattern SECRET =
      Pattern.compile(
          "(?is)("
              + "IDENTIFIED\\s+(?:(?:WITH|VIA)\\s+\\S+\\s+)?(?:BY|AS|USING)\\s+(?:PASSWORD\\s*\\(?\\s*)?"
              + "|PASSWORD\\s*(?:FOR\\s+\\S+\\s*)?=\\s*(?:PASSWORD\\s*\\(\\s*)?"
              + "|PASSWORD\\s*\\(\\s*"
              + "|MASTER_PASSWORD\\s*=\\s*"
              + ")"
              + LITERAL);

  /** The statement with every password literal replaced by '*****'. */
  public static String redact(String sql) {
    if (sql == null) {
      return null;
    }
    Matcher m = SECRET.matcher(sql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + "'*****'"));
    }
    m.appendTail(out);
    return out.toString();
  }
}

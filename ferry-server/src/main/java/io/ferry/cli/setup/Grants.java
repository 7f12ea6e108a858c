package io.ferry.cli.setup;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The global privileges an account's SHOW GRANTS lines give it. */
final class Grants {
  private Grants() {}

  private static final Pattern GLOBAL = Pattern.compile("^GRANT (.+?) ON \\*\\.\\* TO .*$");

  /** Every privilege granted ON *.*, upper case ("ALL PRIVILEGES" stays as it is). */
  static Set<String> global(List<String> grants) {
    Set<String> privileges = new TreeSet<>();
    for (String g : grants) {
      Matcher m = GLOBAL.matcher(g.trim());
      if (m.matches()) {
        for (String p : m.group(1).split(",", -1)) {
          privileges.add(p.trim().toUpperCase(Locale.ROOT));
        }
      }
    }
    return privileges;
  }

  static boolean has(Set<String> global, String privilege) {
    return global.contains("ALL PRIVILEGES")
        || global.contains("ALL")
        || global.contains(privilege);
  }
}

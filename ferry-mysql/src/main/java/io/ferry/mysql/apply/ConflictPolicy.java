package io.ferry.mysql.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a multi-master service detects and resolves conflicts, table by table: a default rule and
 * per-table rules (the first whose pattern matches wins), the origin priority and the site this
 * service applies to. Immutable and thread-safe.
 *
 * @param defaultRule the rule of tables no entry names
 * @param tables per-table rules, in the order given
 * @param priority origin services, the first wins over the later ones (for {@link
 *     Resolution#PRIORITY}, and to break ties of {@link Resolution#NEWER})
 * @param site the origin service whose database this service applies to (its local master's name),
 *     or null when not given
 * @param realign whether a resolved conflict emits a compensating change on the target's binlog so
 *     the other sites converge (only for the resolutions that agree on every site: newer, priority)
 * @param tally where the service's appliers count what they resolved
 */
public record ConflictPolicy(
    Rule defaultRule,
    List<TableRule> tables,
    List<String> priority,
    String site,
    boolean realign,
    ConflictTally tally) {

  /** No detection at all: every change is applied as it comes, a missing row is an error. */
  public static final ConflictPolicy NONE =
      new ConflictPolicy(Rule.NONE, List.of(), List.of(), null, false, new ConflictTally());

  /** How a conflict is seen. */
  public enum Detection {
    /** No detection (a missing row is a drift error, as without multi-master). */
    NONE("none"),
    /** Insert of an existing key, update or delete of a missing row. */
    KEY("key"),
    /** Also: the target's row differs from the change's before image, in any column. */
    BEFORE_IMAGE("before-image"),
    /** Also: the target's row differs in a column the update changes (all columns for a delete). */
    CHANGED_COLUMNS("changed-columns"),
    /** Also: the target's timestamp column differs from the before image's. */
    TIMESTAMP("timestamp"),
    /** Also: the target's version column differs from the before image's. */
    VERSION("version");

    final String word;

    Detection(String word) {
      this.word = word;
    }

    boolean needsColumn() {
      return this == TIMESTAMP || this == VERSION;
    }
  }

  /** Who wins a conflict. */
  public enum Resolution {
    /**
     * The service stops (OFFLINE:ERROR) with the conflict in its error: nothing changes silently.
     */
    STOP("stop"),
    /** The incoming change is applied over the target's row. */
    INCOMING("incoming"),
    /** The target's row is kept; the incoming change is dropped. */
    TARGET("target"),
    /** The version with the greater timestamp or version column wins. */
    NEWER("newer"),
    /** The version from the origin earlier in the priority list wins. */
    PRIORITY("priority");

    final String word;

    Resolution(String word) {
      this.word = word;
    }

    /** Whether every site picks the same winner, so realignment converges instead of swapping. */
    boolean agreesEverywhere() {
      return this == NEWER || this == PRIORITY;
    }
  }

  /**
   * One table's rule.
   *
   * @param detection how conflicts are seen
   * @param column the timestamp or version column (lower-case), or null
   * @param resolution who wins
   */
  public record Rule(Detection detection, String column, Resolution resolution) {
    public static final Rule NONE = new Rule(Detection.NONE, null, Resolution.STOP);

    public boolean detects() {
      return detection != Detection.NONE;
    }

    @Override
    public String toString() {
      return detection.word
          + (column == null ? "" : "(" + column + ")")
          + (detects() ? " " + resolution.word : "");
    }
  }

  /**
   * A rule for the tables a pattern matches.
   *
   * @param schema schema pattern ({@code *} and {@code ?} wildcards)
   * @param table table pattern
   * @param rule the rule
   */
  public record TableRule(String schema, String table, Rule rule) {
    boolean matches(String s, String t) {
      return glob(schema).matcher(s).matches() && glob(table).matcher(t).matches();
    }
  }

  public ConflictPolicy {
    tables = List.copyOf(tables);
    priority = List.copyOf(priority);
  }

  /** The rule of a table. */
  public Rule ruleFor(String schema, String table) {
    for (TableRule r : tables) {
      if (r.matches(schema, table)) {
        return r.rule();
      }
    }
    return defaultRule;
  }

  /** Whether any table detects conflicts. */
  public boolean enabled() {
    return defaultRule.detects() || tables.stream().anyMatch(t -> t.rule().detects());
  }

  /**
   * The rank of an origin in the priority list: 0 is the first; an origin not listed ranks after
   * every listed one.
   */
  int rank(String origin) {
    int i = origin == null ? -1 : priority.indexOf(origin);
    return i < 0 ? priority.size() : i;
  }

  private static final Pattern RULE =
      Pattern.compile(
          "\\s*([a-z-]+)\\s*(?:\\(\\s*([^()\\s]+)\\s*\\))?\\s*([a-z]+)?\\s*", Pattern.DOTALL);

  /**
   * Parses a rule: {@code DETECTION[(COLUMN)] [RESOLUTION]}, the resolution defaulting to {@code
   * defaultResolution}. Problems are added to {@code problems} prefixed with {@code where}.
   */
  public static Rule parseRule(
      String text, Resolution defaultResolution, String where, List<String> problems) {
    Matcher m = RULE.matcher(text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      problems.add(
          where
              + ": '"
              + text.strip()
              + "' is not a conflict rule: write DETECTION[(COLUMN)] [RESOLUTION], for example"
              + " 'before-image', 'timestamp(updated_at) newer' or 'key target'");
      return null;
    }
    Detection d = null;
    for (Detection x : Detection.values()) {
      if (x.word.equals(m.group(1))) {
        d = x;
      }
    }
    if (d == null) {
      problems.add(
          where
              + ": '"
              + m.group(1)
              + "' is not a detection: use none, key, before-image, changed-columns,"
              + " timestamp(COLUMN) or version(COLUMN)");
      return null;
    }
    if (d.needsColumn() != (m.group(2) != null)) {
      problems.add(
          where
              + ": "
              + (d.needsColumn()
                  ? d.word + " needs its column: " + d.word + "(COLUMN)"
                  : d.word + " takes no column")
              + " (in '"
              + text.strip()
              + "')");
      return null;
    }
    Resolution r = defaultResolution;
    if (m.group(3) != null) {
      r = resolution(m.group(3), where, problems);
      if (r == null) {
        return null;
      }
    }
    if (r == Resolution.NEWER && !d.needsColumn()) {
      problems.add(
          where
              + ": resolution 'newer' needs a timestamp(COLUMN) or version(COLUMN) detection to"
              + " know which version is newer (in '"
              + text.strip()
              + "')");
      return null;
    }
    return new Rule(d, m.group(2), r);
  }

  /** A resolution word, or null with a problem added. */
  public static Resolution resolution(String word, String where, List<String> problems) {
    for (Resolution x : Resolution.values()) {
      if (x.word.equals(word.strip().toLowerCase(Locale.ROOT))) {
        return x;
      }
    }
    problems.add(
        where
            + ": '"
            + word.strip()
            + "' is not a resolution: use stop, incoming, target, newer or priority");
    return null;
  }

  /**
   * Parses per-table entries {@code schema.table = RULE}, separated by commas outside parentheses.
   */
  public static List<TableRule> parseTables(
      String text, Resolution defaultResolution, String where, List<String> problems) {
    List<TableRule> out = new ArrayList<>();
    for (String entry : splitEntries(text)) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String name = eq < 0 ? "" : entry.substring(0, eq).strip();
      int dot = name.indexOf('.');
      if (eq < 0 || dot <= 0 || dot == name.length() - 1) {
        problems.add(
            where
                + ": '"
                + entry.strip()
                + "' is not a table's rule: write schema.table = RULE (wildcards * and ?), for"
                + " example 'shop.orders = timestamp(updated_at) newer'");
        continue;
      }
      Rule rule = parseRule(entry.substring(eq + 1), defaultResolution, where, problems);
      if (rule != null) {
        out.add(new TableRule(name.substring(0, dot), name.substring(dot + 1), rule));
      }
    }
    return out;
  }

  private static List<String> splitEntries(String text) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '(') {
        depth++;
      } else if (ch == ')') {
        depth = Math.max(0, depth - 1);
      } else if (ch == ',' && depth == 0) {
        out.add(text.substring(start, i));
        start = i + 1;
      }
    }
    out.add(text.substring(start));
    return out;
  }

  private static Pattern glob(String p) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < p.length(); i++) {
      char ch = p.charAt(i);
      switch (ch) {
        case '*' -> sb.append(".*");
        case '?' -> sb.append('.');
        default -> sb.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return Pattern.compile(sb.toString(), Pattern.CASE_INSENSITIVE);
  }
}

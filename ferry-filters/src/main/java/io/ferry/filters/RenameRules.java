package io.ferry.filters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of a {@code rename} filter: schema, table and column renames, matched against the names
 * as the source has them (never against the result of another rule). Among the rules of one depth
 * that match a name, the one with more literal parts wins, then the one whose first literal part
 * comes first ({@code app.users} before {@code app.*} before {@code *.users}). Schema and table
 * names compare case-sensitively, column names without regard to case (as the server does).
 * Immutable.
 */
final class RenameRules {
  /**
   * One rule.
   *
   * @param from the parts it matches; {@code *} matches any name
   * @param to the parts it gives; {@code *} keeps the name it matched
   * @param text the rule as written, for messages
   */
  record Rule(List<String> from, List<String> to, String text) {
    boolean matches(String... names) {
      for (int i = 0; i < from.size(); i++) {
        String f = from.get(i);
        boolean same = i == 2 ? f.equalsIgnoreCase(names[i]) : f.equals(names[i]);
        if (!f.equals("*") && !same) {
          return false;
        }
      }
      return true;
    }

    String[] apply(String... names) {
      String[] out = names.clone();
      for (int i = 0; i < to.size(); i++) {
        out[i] = to.get(i).equals("*") ? names[i] : to.get(i);
      }
      return out;
    }

    int depth() {
      return from.size();
    }

    private boolean literal(int i) {
      return !from.get(i).equals("*");
    }

    private int literals() {
      int n = 0;
      for (int i = 0; i < from.size(); i++) {
        n += literal(i) ? 1 : 0;
      }
      return n;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** A name and the rule that renamed it (null when none did). */
  record Renamed(List<String> names, Rule rule) {
    boolean changed(String... original) {
      return rule != null && !names.equals(Arrays.asList(original));
    }

    String name(int i) {
      return names.get(i);
    }
  }

  private static final Comparator<Rule> SPECIFIC_FIRST =
      (a, b) -> {
        int byCount = Integer.compare(b.literals(), a.literals());
        if (byCount != 0) {
          return byCount;
        }
        for (int i = 0; i < a.depth(); i++) {
          if (a.literal(i) != b.literal(i)) {
            return a.literal(i) ? -1 : 1;
          }
        }
        return 0;
      };

  private final List<Rule> schemas;
  private final List<Rule> tables;
  private final List<Rule> columns;

  private RenameRules(List<Rule> rules) {
    List<List<Rule>> byDepth = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (Rule r : rules) {
      byDepth.get(r.depth() - 1).add(r);
    }
    byDepth.forEach(l -> l.sort(SPECIFIC_FIRST));
    this.schemas = List.copyOf(byDepth.get(0));
    this.tables = List.copyOf(byDepth.get(1));
    this.columns = List.copyOf(byDepth.get(2));
  }

  /**
   * The rules from {@code from=to} items; each is checked, and one {@code from} written twice is an
   * error. Messages start with where the item was found ({@code where}), for example a key or a
   * file and line.
   */
  static RenameRules of(List<Item> items) {
    Map<List<String>, Item> seen = new HashMap<>();
    List<Rule> rules = new ArrayList<>();
    for (Item item : items) {
      Rule r = parse(item);
      Item earlier = seen.put(r.from(), item);
      if (earlier != null) {
        throw new IllegalArgumentException(
            item.where()
                + ": "
                + String.join(".", r.from())
                + " is renamed twice: '"
                + earlier.text()
                + "' ("
                + earlier.where()
                + ") and '"
                + item.text()
                + "'");
      }
      rules.add(r);
    }
    return new RenameRules(rules);
  }

  /**
   * One written rule and where it was written.
   *
   * @param text {@code from=to} (or {@code from,to} in a file, given here as {@code from=to})
   * @param from the from side
   * @param to the to side
   * @param where where it was written, for messages
   */
  record Item(String text, String from, String to, String where) {}

  private static Rule parse(Item item) {
    List<String> from = parts(item, item.from());
    List<String> to = parts(item, item.to());
    if (from.size() != to.size()) {
      throw new IllegalArgumentException(
          item.where()
              + ": '"
              + item.text()
              + "' renames a "
              + depthName(from.size())
              + " to a "
              + depthName(to.size())
              + "; both sides must be schema, schema.table or schema.table.column");
    }
    if (from.size() == 3) {
      for (int i = 0; i < 2; i++) {
        if (!to.get(i).equals("*") && !to.get(i).equals(from.get(i))) {
          throw new IllegalArgumentException(
              item.where()
                  + ": '"
                  + item.text()
                  + "' renames a column and its "
                  + (i == 0 ? "schema" : "table")
                  + "; a column rule renames only the column (write the table's rename as a rule"
                  + " of its own)");
        }
      }
    }
    return new Rule(from, to, item.text());
  }

  private static List<String> parts(Item item, String side) {
    List<String> parts;
    try {
      parts = NamePattern.splitParts(side);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(item.where() + ": " + e.getMessage(), e);
    }
    if (parts.size() > 3 || parts.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException(
          item.where()
              + ": '"
              + item.text()
              + "' is not a rename rule: write from=to where both are schema, schema.table or"
              + " schema.table.column");
    }
    for (String p : parts) {
      if (!p.equals("*") && (p.contains("*") || p.contains("?"))) {
        throw new IllegalArgumentException(
            item.where()
                + ": '"
                + item.text()
                + "': * stands for a whole name (like *.users=*.customers), not part of one,"
                + " and ? is not a wildcard here");
      }
    }
    return List.copyOf(parts);
  }

  private static String depthName(int depth) {
    return depth == 1 ? "schema" : depth == 2 ? "table" : "column";
  }

  boolean isEmpty() {
    return schemas.isEmpty() && tables.isEmpty() && columns.isEmpty();
  }

  /** A schema as schema rules rename it (the default schema of statements). */
  Renamed schema(String schema) {
    for (Rule r : schemas) {
      if (r.matches(schema)) {
        return new Renamed(List.of(r.apply(schema)), r);
      }
    }
    return new Renamed(Arrays.asList(schema), null);
  }

  /** A table's new schema and name: by a table rule, else by a schema rule. */
  Renamed table(String schema, String table) {
    for (Rule r : tables) {
      if (r.matches(schema, table)) {
        return new Renamed(List.of(r.apply(schema, table)), r);
      }
    }
    Renamed s = schema(schema);
    return new Renamed(Arrays.asList(s.name(0), table), s.rule());
  }

  /** A column's new name, by a column rule (matched against the source's schema and table). */
  Renamed column(String schema, String table, String column) {
    if (column != null) {
      for (Rule r : columns) {
        if (r.matches(schema, table, column)) {
          return new Renamed(List.of(r.apply(schema, table, column)[2]), r);
        }
      }
    }
    return new Renamed(Arrays.asList(column), null);
  }

  /** The first column rule that applies to some column of the table, or null. */
  Rule columnRuleOf(String schema, String table) {
    for (Rule r : columns) {
      if ((r.from().get(0).equals("*") || r.from().get(0).equals(schema))
          && (r.from().get(1).equals("*") || r.from().get(1).equals(table))) {
        return r;
      }
    }
    return null;
  }
}

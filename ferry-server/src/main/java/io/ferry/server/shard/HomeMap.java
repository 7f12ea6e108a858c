package io.ferry.server.shard;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The shard home map (system of record): for each shard, the one service whose source is the only
 * place the shard may be written (its home), and whether parallel apply must run it alone
 * (critical). A home of {@link #LOCAL} keeps the shard on its server: it never leaves it. Shards
 * are the ids transactions carry in their header (by default the schema a transaction changes, or
 * {@code #global}). Immutable; changes return a new map.
 *
 * <p>The map's text form ({@link #text(String)}, read by {@link HomeMapFile}) is one {@code shard
 * home [critical]} per line.
 */
public record HomeMap(Map<String, Entry> entries) {
  /** The home of a shard that never leaves the server where it is written. */
  public static final String LOCAL = "#LOCAL";

  /** The empty map: no shard has a home. */
  public static final HomeMap EMPTY = new HomeMap(Map.of());

  /** One shard's home. */
  public record Entry(String shard, String home, boolean critical) {
    public Entry {
      checkShard(shard);
      checkHome(home);
    }

    /** Whether the shard never leaves the server where it is written. */
    public boolean local() {
      return LOCAL.equals(home);
    }
  }

  public HomeMap {
    entries = Collections.unmodifiableMap(new TreeMap<>(entries));
  }

  /** The entry of a shard, or null when the shard has no home. */
  public Entry get(String shard) {
    return entries.get(shard);
  }

  /** The map with the shard's entry added or replaced. */
  public HomeMap with(Entry e) {
    Map<String, Entry> m = new LinkedHashMap<>(entries);
    m.put(e.shard(), e);
    return new HomeMap(m);
  }

  /** The map without the shard (the same map when it has no entry). */
  public HomeMap without(String shard) {
    if (!entries.containsKey(shard)) {
      return this;
    }
    Map<String, Entry> m = new LinkedHashMap<>(entries);
    m.remove(shard);
    return new HomeMap(m);
  }

  /** The shards marked critical. */
  public Set<String> critical() {
    Set<String> out = new LinkedHashSet<>();
    entries
        .values()
        .forEach(
            e -> {
              if (e.critical()) {
                out.add(e.shard());
              }
            });
    return out;
  }

  /** The entries, by shard. */
  public List<Entry> list() {
    return new ArrayList<>(entries.values());
  }

  /** The map as the lines {@link HomeMapFile} reads, with a header comment. */
  public String text(String header) {
    StringBuilder sb = new StringBuilder();
    for (String h : header.split("\n", -1)) {
      sb.append(h.isEmpty() ? "#" : "# " + h).append('\n');
    }
    int width = entries.keySet().stream().mapToInt(String::length).max().orElse(0);
    int homeWidth = entries.values().stream().mapToInt(e -> e.home().length()).max().orElse(0);
    for (Entry e : entries.values()) {
      sb.append(e.shard()).append(" ".repeat(width - e.shard().length() + 2));
      if (e.critical()) {
        sb.append(e.home()).append(" ".repeat(homeWidth - e.home().length() + 2));
        sb.append("critical");
      } else {
        sb.append(e.home());
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Why a shard id cannot be in the map, or null when it can. */
  static String shardProblem(String shard) {
    if (shard == null || shard.isEmpty()) {
      return "a shard name is empty";
    }
    if (shard.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      return "the shard name '" + shard + "' has a space or a control character";
    }
    if (shard.startsWith("#") && !shard.equals(io.ferry.core.event.Shards.GLOBAL)) {
      return "the shard name '"
          + shard
          + "' starts with #, which only "
          + io.ferry.core.event.Shards.GLOBAL
          + " may (a shard of several schemas or none)";
    }
    if (shard.length() > 512) {
      return "the shard name '" + shard.substring(0, 40) + "...' is longer than 512 characters";
    }
    return null;
  }

  /** Why a home cannot be in the map, or null when it can. */
  static String homeProblem(String home) {
    if (home == null || home.isEmpty()) {
      return "the home is empty: name the service whose source the shard is written on, or "
          + LOCAL;
    }
    if (home.equals(LOCAL)) {
      return null;
    }
    if (home.equalsIgnoreCase(LOCAL)) {
      return "the home '" + home + "' is written " + LOCAL + " (in capitals)";
    }
    if (!home.matches("[A-Za-z0-9_]{1,56}")) {
      return "the home '"
          + home
          + "' is not a service name (1 to 56 letters, digits or underscores) nor "
          + LOCAL;
    }
    return null;
  }

  private static void checkShard(String shard) {
    String p = shardProblem(shard);
    if (p != null) {
      throw new IllegalArgumentException(p);
    }
  }

  private static void checkHome(String home) {
    String p = homeProblem(home);
    if (p != null) {
      throw new IllegalArgumentException(p);
    }
  }
}

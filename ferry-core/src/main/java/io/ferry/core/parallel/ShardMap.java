package io.ferry.core.parallel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which channel the shard scheduler gives each shard: explicit assignments, critical shards (run
 * alone, like global ones), and how shards the map does not name are placed ({@code hash} of the
 * shard name, {@code round-robin} in order of first appearance, or one channel). Written one entry
 * per line ({@code shard = channel | critical}, {@code * = hash | round-robin | channel}, {@code #}
 * comments), in a file or in the service's configuration. Immutable.
 */
public record ShardMap(Map<String, Integer> channels, Set<String> critical, String fallback) {
  /** Hashing every shard: the map when none is configured. */
  public static final ShardMap HASH = new ShardMap(Map.of(), Set.of(), "hash");

  public ShardMap {
    channels = Map.copyOf(channels);
    critical = Set.copyOf(critical);
    if (!fallback.equals("hash") && !fallback.equals("round-robin") && !isNumber(fallback)) {
      throw new IllegalArgumentException("shard map default '" + fallback + "'");
    }
  }

  /** The channel the default names, or -1 for hash and round-robin. */
  public int fallbackChannel() {
    return isNumber(fallback) ? Integer.parseInt(fallback) : -1;
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.length() < 6 && s.chars().allMatch(Character::isDigit);
  }

  /**
   * Parses entries; every problem is collected as {@code where: what}, with the entry's place.
   *
   * @param entries the entries, each with the place it came from ({@code file:line})
   */
  public static ShardMap parse(Map<String, String> entries, List<String> problems) {
    Map<String, Integer> channels = new LinkedHashMap<>();
    Set<String> critical = new LinkedHashSet<>();
    String fallback = "hash";
    for (Map.Entry<String, String> e : entries.entrySet()) {
      String entry = e.getKey();
      String where = e.getValue();
      int eq = entry.indexOf('=');
      if (eq < 0) {
        problems.add(where + ": '" + entry + "' is not 'shard = channel' (or critical)");
        continue;
      }
      String shard = entry.substring(0, eq).strip();
      String value = entry.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
      if (shard.isEmpty()) {
        problems.add(where + ": an entry without a shard name");
      } else if (shard.equals("*")) {
        if (value.equals("hash") || value.equals("round-robin") || isNumber(value)) {
          fallback = value;
        } else {
          problems.add(
              where + ": the default '* = " + value + "' is not hash, round-robin or a channel");
        }
      } else if (value.equals("critical")) {
        critical.add(shard);
      } else if (isNumber(value)) {
        channels.put(shard, Integer.parseInt(value));
      } else {
        problems.add(
            where
                + ": shard '"
                + shard
                + "' = '"
                + value
                + "': expected a channel number or critical");
      }
    }
    return new ShardMap(channels, critical, fallback);
  }

  /** Entries naming a channel past the last one, as problems. */
  public List<String> beyond(int channelCount) {
    List<String> out = new ArrayList<>();
    channels.forEach(
        (shard, ch) -> {
          if (ch >= channelCount) {
            out.add(
                "shard '"
                    + shard
                    + "' is mapped to channel "
                    + ch
                    + ", but channels are numbered 0 to "
                    + (channelCount - 1));
          }
        });
    int f = fallbackChannel();
    if (f >= channelCount) {
      out.add("the default channel " + f + " is past the last channel " + (channelCount - 1));
    }
    return out;
  }
}

package io.ferry.core.parallel;

import java.util.Locale;

/** How parallel apply decides which transactions may run at once. */
public enum Scheduler {
  /**
   * By shard (the schema a transaction changes): each shard belongs to one channel; channels commit
   * independently; unknown, global and critical shards run alone.
   */
  SHARD,
  /**
   * By key: transactions whose key sets are disjoint run on different channels; commits happen in
   * seqno order; what cannot be keyed runs alone.
   */
  KEY;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scheduler a setting names; null if none. */
  public static Scheduler parse(String text) {
    for (Scheduler s : values()) {
      if (s.label().equals(text)) {
        return s;
      }
    }
    return null;
  }
}

package io.ferry.core.event;

/** Shard ids with a special meaning. A transaction's shard is otherwise the schema it changes. */
public final class Shards {
  /** A transaction that changes several schemas, or none (a global statement). */
  public static final String GLOBAL = "#global";

  private Shards() {}
}

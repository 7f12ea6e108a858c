package io.ferry.server.config;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The keys of parallel apply (docs/parallel-apply.md): channels, scheduler, shard map, memory and
 * lock-wait bounds. Declared like every other key (part of {@link ServiceSettings#all()}, in its
 * "apply" section), kept apart so that each file stays readable.
 */
public final class ParallelApplySettings {
  private ParallelApplySettings() {}

  public static final Setting<Integer> APPLY_CHANNELS =
      ServiceSettings.add(
          "apply.channels",
          SettingType.integer(1, 64),
          1,
          false,
          ServiceSettings.APPLIES,
          false,
          "Parallel apply: how many channels (target connections) apply at once, each with its"
              + " own position row in the catalog. 1: one applier, as without parallel apply. See"
              + " docs/parallel-apply.md.");

  public static final Setting<String> APPLY_SCHEDULER =
      ServiceSettings.add(
          "apply.scheduler",
          SettingType.oneOf("shard", "key"),
          "shard",
          false,
          ServiceSettings.APPLIES,
          false,
          "How channels share the work. shard: each shard (the schema a transaction changes) has"
              + " one channel, channels commit independently. key: transactions of any schema run"
              + " at once when their keys differ, and commit in seqno order. What neither can"
              + " schedule safely (DDL, statements, global and critical shards, tables without"
              + " keys) runs alone.");

  public static final Setting<Path> APPLY_SHARD_MAP =
      ServiceSettings.add(
          "apply.shard-map",
          SettingType.PATH,
          null,
          false,
          ServiceSettings.APPLIES,
          false,
          "A file of shard = channel lines (shard scheduler): 'sales = 2', 'audit = critical'"
              + " (runs alone), '* = hash' (default), '* = round-robin' or '* = 0' for shards the"
              + " file does not name. # starts a comment.");

  public static final Setting<String> APPLY_SHARDS =
      ServiceSettings.add(
          "apply.shards",
          SettingType.STRING,
          "",
          false,
          ServiceSettings.APPLIES,
          false,
          "The shard map in the configuration instead of a file: entries separated by commas,"
              + " for example 'sales = 2, audit = critical, * = round-robin'.");

  public static final Setting<Integer> APPLY_CHANNEL_QUEUE =
      ServiceSettings.add(
          "apply.channel-queue",
          SettingType.integer(1, 1_000_000),
          1000,
          false,
          ServiceSettings.APPLIES,
          false,
          "At most this many transactions wait for one channel; the THL holds the rest of the"
              + " backlog.");

  public static final Setting<Long> APPLY_CHANNEL_QUEUE_BYTES =
      ServiceSettings.add(
          "apply.channel-queue-bytes",
          SettingType.SIZE,
          64L << 20,
          false,
          ServiceSettings.APPLIES,
          false,
          "At most this many bytes of transactions wait for all channels together (one"
              + " transaction larger than its channel's share still passes, alone).");

  public static final Setting<Integer> APPLY_KEYS_MAX =
      ServiceSettings.add(
          "apply.keys-max",
          SettingType.integer(1, 10_000_000),
          10_000,
          false,
          ServiceSettings.APPLIES,
          false,
          "Key scheduler: a transaction with more keys than this runs alone.");

  public static final Setting<Duration> APPLY_LOCK_WAIT =
      ServiceSettings.add(
          "apply.lock-wait",
          SettingType.DURATION,
          Duration.ofSeconds(5),
          false,
          ServiceSettings.APPLIES,
          false,
          "Key scheduler: how long a channel waits for a row lock (innodb_lock_wait_timeout of"
              + " its session, whole seconds, at least 1) before the lock is taken to be held by a"
              + " later channel waiting for its turn to commit; the transactions are then rolled"
              + " back and run again one at a time.");

  public static final Setting<Integer> APPLY_LOCK_WAIT_RETRIES =
      ServiceSettings.add(
          "apply.lock-wait-retries",
          SettingType.integer(0, 1000),
          3,
          false,
          ServiceSettings.APPLIES,
          false,
          "Key scheduler: how many lock waits in a row, without progress, are rolled back and run"
              + " again before the service goes OFFLINE:ERROR naming both transactions.");

  /** Loads the class, which declares its keys; called once, by {@link ServiceSettings}. */
  static void register() {
    // the declarations above ran when the class was initialized
  }
}

package io.ferry.server.config;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import java.util.Set;

/**
 * The keys of multi-master (docs/multi-master.md): origin tagging and relaying, conflict detection
 * and resolution, shard home policies. Declared like every other key (they are part of {@link
 * ServiceSettings#all()}, listed after the others), kept apart so that each file stays readable.
 */
public final class MultiMasterSettings {
  private MultiMasterSettings() {}

  // ---------------------------------------------------------------- origins

  public static final Setting<io.ferry.mysql.origin.RelayPolicy> SOURCE_RELAY =
      ServiceSettings.add(
          "source.relay",
          SettingType.checked(
              "all, local, or origins (service names or server ids) separated by commas",
              io.ferry.mysql.origin.RelayPolicy::parse),
          io.ferry.mysql.origin.RelayPolicy.ALL,
          false,
          Set.of(ServiceSettings.MASTER, ServiceSettings.DIRECT),
          false,
          "What is passed on from the source's binlog. all: every transaction. local: only what"
              + " the source server wrote itself (binlog server_id = its @@server_id), not what"
              + " Ferry or a native replica applied there. A list: the local transactions and those"
              + " of these origins. See docs/multi-master.md.");

  public static final Setting<Boolean> TARGET_LOG_ORIGIN =
      ServiceSettings.add(
          "target.log-origin",
          SettingType.BOOLEAN,
          true,
          false,
          ServiceSettings.APPLIES,
          false,
          "With target.log-to-binlog: each transaction is applied under its origin's server id"
              + " (and MariaDB GTID domain), so the target's binlog says where every row, DDL and"
              + " statement came from; the account needs BINLOG REPLAY (or SUPER).");

  public static final Setting<Boolean> APPLY_SKIP_LOCAL_ORIGIN =
      ServiceSettings.add(
          "apply.skip-local-origin",
          SettingType.BOOLEAN,
          true,
          false,
          ServiceSettings.APPLIES,
          false,
          "Never apply a transaction the target server wrote itself (its source id is the"
              + " target's @@server_id): it came back round a topology. It is passed over like a"
              + " filtered one and counted in status (skippedLocalOrigin). Heartbeats always pass.");

  // ---------------------------------------------------------------- conflicts

  public static final Setting<String> APPLY_CONFLICTS =
      ServiceSettings.add(
          "apply.conflicts",
          SettingType.STRING,
          "none",
          false,
          ServiceSettings.APPLIES,
          false,
          "Multi-master conflict detection for tables apply.conflicts.tables does not name: none,"
              + " key (insert of an existing key, update or delete of a missing row),"
              + " before-image (also: the row differs from the change's before image),"
              + " changed-columns (differs in a column the update changes), timestamp(COLUMN) or"
              + " version(COLUMN) (that column differs); optionally followed by a resolution.");

  public static final Setting<String> APPLY_CONFLICTS_RESOLVE =
      ServiceSettings.add(
          "apply.conflicts.resolve",
          SettingType.oneOf("stop", "incoming", "target", "newer", "priority"),
          "stop",
          false,
          ServiceSettings.APPLIES,
          false,
          "Who wins a conflict when the rule does not say: stop (OFFLINE:ERROR, nothing changes"
              + " silently), incoming, target, newer (timestamp or version column) or priority"
              + " (apply.conflicts.priority).");

  public static final Setting<String> APPLY_CONFLICTS_TABLES =
      ServiceSettings.add(
          "apply.conflicts.tables",
          SettingType.STRING,
          "",
          false,
          ServiceSettings.APPLIES,
          false,
          "Rules per table, separated by commas, the first match wins: 'shop.orders ="
              + " timestamp(updated_at) newer, shop.log_* = none' (wildcards * and ?).");

  public static final Setting<String> APPLY_CONFLICTS_PRIORITY =
      ServiceSettings.add(
          "apply.conflicts.priority",
          SettingType.STRING,
          "",
          false,
          ServiceSettings.APPLIES,
          false,
          "Origin services by priority, the first wins (resolution priority; also breaks ties"
              + " of newer): for example 'frankfurt, newyork, sanjose'.");

  public static final Setting<String> APPLY_CONFLICTS_SITE =
      ServiceSettings.add(
          "apply.conflicts.site",
          SettingType.STRING,
          "",
          false,
          ServiceSettings.APPLIES,
          false,
          "The origin service whose database this service applies to (the local master's name):"
              + " what the target's rows count as in priority and tie-breaks.");

  public static final Setting<Boolean> APPLY_CONFLICTS_REALIGN =
      ServiceSettings.add(
          "apply.conflicts.realign",
          SettingType.BOOLEAN,
          true,
          false,
          ServiceSettings.APPLIES,
          false,
          "Whether a conflict resolved by newer or priority writes the resolved row again to"
              + " the target's binlog, as a local change, so every other site converges.");

  // ---------------------------------------------------------------- shard homes

  public static final Setting<String> SHARD_NO_HOME =
      ServiceSettings.add(
          "shard.no-home",
          SettingType.oneOf(io.ferry.server.shard.ShardPolicy.Action.words()),
          "accept",
          false,
          Set.of(ServiceSettings.MASTER, ServiceSettings.SLAVE, ServiceSettings.DIRECT),
          false,
          "What to do with a transaction whose shard has no home in the replicator's shard home"
              + " map (ferry shard list): accept (pass it, uncounted), drop (pass over it,"
              + " counted), warn (pass it, counted and logged) or error (stop the service with the"
              + " ferry shard set command that fixes it). See docs/multi-master.md.");

  public static final Setting<String> SHARD_WRONG_HOME =
      ServiceSettings.add(
          "shard.wrong-home",
          SettingType.oneOf(io.ferry.server.shard.ShardPolicy.Action.words()),
          "warn",
          false,
          Set.of(ServiceSettings.SLAVE),
          false,
          "What a slave does with a transaction whose origin service is not its shard's home"
              + " (the shard was written on the wrong server): accept, drop, warn or error.");

  public static final Setting<String> SHARD_ERRANT_WRITES =
      ServiceSettings.add(
          "shard.errant-writes",
          SettingType.oneOf(io.ferry.server.shard.ShardPolicy.Action.words()),
          "warn",
          false,
          Set.of(ServiceSettings.MASTER, ServiceSettings.DIRECT),
          false,
          "What a service that reads a source does with a local write (its origin is this"
              + " service) to a shard homed at another service: accept, drop (keep it out of"
              + " replication), warn or error. Shards homed at #LOCAL are always kept out.");

  /** Loads the class, which declares its keys; called once, by {@link ServiceSettings}. */
  static void register() {
    // the declarations above ran when the class was initialized
  }
}

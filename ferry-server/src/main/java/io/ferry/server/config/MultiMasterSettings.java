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

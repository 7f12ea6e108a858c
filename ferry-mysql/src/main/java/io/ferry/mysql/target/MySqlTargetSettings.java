package io.ferry.mysql.target;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.target.TargetKeys;
import java.util.List;

/**
 * The settings only the MariaDB/MySQL target reads (target.type = mysql): binlog logging, origin
 * tagging, triggers and multi-master conflict handling (docs/multi-master.md). Their keys predate
 * the target types and keep their names.
 */
public final class MySqlTargetSettings {
  private MySqlTargetSettings() {}

  public static final Setting<Boolean> TARGET_LOG_TO_BINLOG =
      new Setting<>(
          "target.log-to-binlog",
          SettingType.BOOLEAN,
          false,
          false,
          TargetKeys.APPLIES,
          false,
          "Whether applied changes go to the target's own binlog (for targets that are sources"
              + " of further replicas).");

  public static final Setting<String> TARGET_TRIGGERS =
      new Setting<>(
          "apply.triggers",
          SettingType.oneOf("skip", "fire"),
          "skip",
          false,
          TargetKeys.APPLIES,
          false,
          "Whether the target's triggers fire for the rows Ferry applies. skip: as on a native"
              + " replica, they must not; Ferry sets @ferry_service in its session and refuses rows"
              + " for a table whose triggers do not test it (docs/applier.md shows how). fire:"
              + " triggers fire for every applied row.");

  public static final Setting<Boolean> TARGET_LOG_ORIGIN =
      new Setting<>(
          "target.log-origin",
          SettingType.BOOLEAN,
          true,
          false,
          TargetKeys.APPLIES,
          false,
          "With target.log-to-binlog: each transaction is applied under its origin's server id"
              + " (and MariaDB GTID domain), so the target's binlog says where every row, DDL and"
              + " statement came from; the account needs BINLOG REPLAY (or SUPER).");

  public static final Setting<String> APPLY_CONFLICTS =
      new Setting<>(
          "apply.conflicts",
          SettingType.STRING,
          "none",
          false,
          TargetKeys.APPLIES,
          false,
          "Multi-master conflict detection for tables apply.conflicts.tables does not name: none,"
              + " key (insert of an existing key, update or delete of a missing row),"
              + " before-image (also: the row differs from the change's before image),"
              + " changed-columns (differs in a column the update changes), timestamp(COLUMN) or"
              + " version(COLUMN) (that column differs); optionally followed by a resolution.");

  public static final Setting<String> APPLY_CONFLICTS_RESOLVE =
      new Setting<>(
          "apply.conflicts.resolve",
          SettingType.oneOf("stop", "incoming", "target", "newer", "priority"),
          "stop",
          false,
          TargetKeys.APPLIES,
          false,
          "Who wins a conflict when the rule does not say: stop (OFFLINE:ERROR, nothing changes"
              + " silently), incoming, target, newer (timestamp or version column) or priority"
              + " (apply.conflicts.priority).");

  public static final Setting<String> APPLY_CONFLICTS_TABLES =
      new Setting<>(
          "apply.conflicts.tables",
          SettingType.STRING,
          "",
          false,
          TargetKeys.APPLIES,
          false,
          "Rules per table, separated by commas, the first match wins: 'shop.orders ="
              + " timestamp(updated_at) newer, shop.log_* = none' (wildcards * and ?).");

  public static final Setting<String> APPLY_CONFLICTS_PRIORITY =
      new Setting<>(
          "apply.conflicts.priority",
          SettingType.STRING,
          "",
          false,
          TargetKeys.APPLIES,
          false,
          "Origin services by priority, the first wins (resolution priority; also breaks ties"
              + " of newer): for example 'frankfurt, newyork, sanjose'.");

  public static final Setting<String> APPLY_CONFLICTS_SITE =
      new Setting<>(
          "apply.conflicts.site",
          SettingType.STRING,
          "",
          false,
          TargetKeys.APPLIES,
          false,
          "The origin service whose database this service applies to (the local master's name):"
              + " what the target's rows count as in priority and tie-breaks.");

  public static final Setting<Boolean> APPLY_CONFLICTS_REALIGN =
      new Setting<>(
          "apply.conflicts.realign",
          SettingType.BOOLEAN,
          true,
          false,
          TargetKeys.APPLIES,
          false,
          "Whether a conflict resolved by newer or priority writes the resolved row again to"
              + " the target's binlog, as a local change, so every other site converges.");

  /** Every key, in reference order. */
  static List<Setting<?>> all() {
    return List.of(
        TARGET_LOG_TO_BINLOG,
        TARGET_TRIGGERS,
        TARGET_LOG_ORIGIN,
        APPLY_CONFLICTS,
        APPLY_CONFLICTS_RESOLVE,
        APPLY_CONFLICTS_TABLES,
        APPLY_CONFLICTS_PRIORITY,
        APPLY_CONFLICTS_SITE,
        APPLY_CONFLICTS_REALIGN);
  }
}

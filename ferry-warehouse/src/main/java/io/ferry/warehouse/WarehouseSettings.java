package io.ferry.warehouse;

import io.ferry.core.config.PluginConfig;
import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.target.TargetKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The warehouse target's own settings ({@code target.warehouse.*}) and what a service's file makes
 * of them. Immutable.
 *
 * @param service the service's name (its catalog is {@code ferry_<service>})
 * @param dialect duckdb or postgresql
 * @param path the DuckDB database file (duckdb)
 * @param batchRows the most row changes one batch stages
 * @param batchBytes the most bytes one batch stages
 * @param batchInterval the longest a batch stays open
 * @param stagingDir where staged CSV files are written
 * @param ddl the target.ddl policy: translate, stop or ignore
 */
public record WarehouseSettings(
    String service,
    String dialect,
    Path path,
    long batchRows,
    long batchBytes,
    Duration batchInterval,
    Path stagingDir,
    String ddl) {

  public static final Setting<String> DIALECT =
      new Setting<>(
          "target.warehouse.dialect",
          SettingType.oneOf("duckdb", "postgresql"),
          "duckdb",
          false,
          TargetKeys.APPLIES,
          false,
          "The store batches are merged into: duckdb (an embedded DuckDB database file,"
              + " target.warehouse.path) or postgresql (a PostgreSQL server at target.host,"
              + " target.port, target.database as target.user).");

  public static final Setting<Path> PATH =
      new Setting<>(
          "target.warehouse.path",
          SettingType.PATH,
          null,
          false,
          TargetKeys.APPLIES,
          false,
          "The DuckDB database file (created if missing; relative to the service file's directory)."
              + " DuckDB allows one writing process per file: readers must wait until the service"
              + " is offline, or read a copy. Required with the duckdb dialect.");

  public static final Setting<Long> BATCH_ROWS =
      new Setting<>(
          "target.warehouse.batch-rows",
          SettingType.longRange(1, Long.MAX_VALUE),
          1_000_000L,
          false,
          TargetKeys.APPLIES,
          false,
          "A batch is merged once it has staged this many row changes (after the transaction that"
              + " reaches it). Larger batches merge fewer times; memory does not grow with them"
              + " (rows are staged in files).");

  public static final Setting<Long> BATCH_BYTES =
      new Setting<>(
          "target.warehouse.batch-bytes",
          SettingType.SIZE,
          256L * 1024 * 1024,
          false,
          TargetKeys.APPLIES,
          false,
          "A batch is merged once its staged files hold this many bytes (after the transaction"
              + " that reaches it).");

  public static final Setting<Duration> BATCH_INTERVAL =
      new Setting<>(
          "target.warehouse.batch-interval",
          SettingType.DURATION,
          Duration.ofSeconds(60),
          false,
          TargetKeys.APPLIES,
          false,
          "The longest a batch stays open: then it is merged, whether transactions keep coming"
              + " or the source is quiet (a quiet moment does not end a batch, so this is how long"
              + " a change can wait before it shows in the warehouse). A batch is also merged at"
              + " batch-rows or batch-bytes, at a DDL statement, at a stop and at online"
              + " -until-seqno's end.");

  public static final Setting<Path> STAGING_DIR =
      new Setting<>(
          "target.warehouse.staging-dir",
          SettingType.PATH,
          null,
          false,
          TargetKeys.APPLIES,
          false,
          "Where a batch's rows are staged as CSV files before the merge (default: warehouse-staging"
              + " in the service's directory). Needs room for one batch (target.warehouse"
              + ".batch-bytes). Each service stages in its own subdirectory named after it, so"
              + " services may share this directory; the files a crash left there are removed"
              + " when the service starts.");

  /** Every setting of the type, in reference order. */
  public static List<Setting<?>> all() {
    return List.of(DIALECT, PATH, BATCH_ROWS, BATCH_BYTES, BATCH_INTERVAL, STAGING_DIR);
  }

  /** What a service's file says. */
  public static WarehouseSettings of(PluginConfig c) {
    Path staging =
        c.isSet(STAGING_DIR) ? c.path(STAGING_DIR) : c.serviceDir().resolve("warehouse-staging");
    return new WarehouseSettings(
        c.service(),
        c.get(DIALECT),
        c.path(PATH),
        c.get(BATCH_ROWS),
        c.get(BATCH_BYTES),
        c.get(BATCH_INTERVAL),
        staging,
        c.get(TargetKeys.DDL));
  }

  /** The catalog schema of the service. */
  public String catalogSchema() {
    return "ferry_" + service;
  }

  public WarehouseSettings withBatch(long rows, long bytes, Duration interval) {
    return new WarehouseSettings(service, dialect, path, rows, bytes, interval, stagingDir, ddl);
  }

  public WarehouseSettings withDdl(String policy) {
    return new WarehouseSettings(
        service, dialect, path, batchRows, batchBytes, batchInterval, stagingDir, policy);
  }
}

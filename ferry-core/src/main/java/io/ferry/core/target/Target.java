package io.ferry.core.target;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.parallel.ChannelTarget;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.pipeline.BlockCommit;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One service's target: the appliers its pipeline uses and the catalog operations the service needs
 * (position, in-doubt marks and heartbeats live in the appliers' catalog; here: starting a position
 * without applying, dropping the catalog, status). Each target type keeps its catalog its own way
 * (tables in {@code ferry_<service>}, a Kafka topic, a collection). Lifecycle: made by {@link
 * TargetType#open}, appliers made as the service goes online (one at a time per task), closed with
 * the service. Status methods are called from other threads and must be safe there.
 */
public interface Target extends AutoCloseable {
  /** Where it is, for messages and status: like {@code postgresql 127.0.0.1:5432/db}. */
  String describe();

  /**
   * The applier of a service that applies on one channel. Its {@link Applier#lastCommitted} reads
   * the catalog; every commit writes the position with the data, atomically where the target can.
   */
  Applier applier();

  /**
   * What parallel apply needs (one applier per channel, each with its own position row), for the
   * types whose {@link TargetType#parallel()} is true.
   *
   * @param lockWaitSeconds the target's lock wait for channel sessions (key scheduler), or 0
   */
  default ChannelTarget channels(int lockWaitSeconds) {
    throw new TargetException(
        describe()
            + " does not apply in parallel: set apply.channels = 1 (the default) for this target"
            + " type");
  }

  /**
   * The block the stage commits by, given the configured one: a batch target may widen it (the
   * warehouse applier merges many transactions at once) or bound it its own way.
   */
  default BlockCommit blockCommit(BlockCommit configured) {
    return configured;
  }

  /**
   * Records a position in the catalog without applying anything (a former master becoming a slave,
   * a provisioned target); a position already at or beyond it is left alone.
   */
  void initializePosition(Checkpoint position);

  /** Removes the catalog (a reset): the next start begins from nothing. */
  void dropCatalog();

  /**
   * What its appliers did since the service started, for status and metrics: status sections by
   * name, each an ordered map of plain values (numbers, strings, lists, maps). At least {@code
   * applier} with {@code transactions} and {@code rows}; {@code conflicts} where it detects them
   * (with {@code total}, {@code realigned} and {@code byTable}).
   */
  Map<String, Map<String, Object>> stats();

  /**
   * The server id the target's own writes carry in a binlog that may come back to this service
   * round a topology (multi-master), looked up when first called; -1 when the target has none.
   */
  default java.util.function.LongSupplier localServerId() {
    return () -> -1;
  }

  /**
   * A view of the target's tables for the filters on the apply side ({@link
   * io.ferry.core.filter.SchemaView#NONE} where the target has no tables to show); closed by the
   * caller when it is {@link AutoCloseable}.
   */
  default io.ferry.core.filter.SchemaView schemaView() {
    return io.ferry.core.filter.SchemaView.NONE;
  }

  /**
   * Conflicts the target recorded (multi-master), newest first, each an ordered map of plain
   * values; empty for types that detect none.
   *
   * @param table {@code schema.table} or {@code table}, or null for all
   * @param since those detected at or after, or null
   */
  default List<Map<String, Object>> conflicts(String table, Instant since, int limit) {
    return List.of();
  }

  /**
   * Whether its appliers act on check markers and repairs (recompute a chunk, replace a range); for
   * other types, repairs are passed over (their rows would meet the rows already there).
   */
  default boolean consistencyChecks() {
    return false;
  }

  /**
   * The consistency checks the target recorded (docs/operations.md): {@code runs} (newest first, at
   * most {@code runs}), {@code run} and the {@code differences} of that run (the given id, or the
   * newest); null for types that do not check.
   */
  default Map<String, Object> checks(String checkId, int runs) {
    return null;
  }

  /** Releases what it holds (connections, producers); its appliers are closed by their stage. */
  @Override
  default void close() {}
}

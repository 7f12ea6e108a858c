package io.ferry.warehouse;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.target.Target;
import io.ferry.core.target.TargetException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;

/**
 * A service's warehouse: its dialect's store, the batch applier, and the catalog operations.
 * Thread-safe (status from any thread; appliers used by one task).
 */
public final class WarehouseTarget implements Target {
  private final WarehouseSettings settings;
  private final WarehouseDialect dialect;
  private final Clock clock;
  private final WarehouseStats stats = new WarehouseStats();

  public WarehouseTarget(WarehouseSettings settings, WarehouseDialect dialect, Clock clock) {
    this.settings = settings;
    this.dialect = dialect;
    this.clock = clock;
  }

  public WarehouseDialect dialect() {
    return dialect;
  }

  @Override
  public String describe() {
    return "warehouse " + dialect.describe();
  }

  @Override
  public Applier applier() {
    return new WarehouseApplier(settings, dialect, clock, stats);
  }

  /**
   * A batch holds up to batch-rows transactions and stays open up to batch-interval; the applier
   * ends it earlier at batch-rows row changes or batch-bytes staged ({@link Applier#needsCommit}).
   * A quiet moment of the source does not end it: a warehouse that keeps up would otherwise merge
   * every transaction or two, each merge costing a whole load.
   */
  @Override
  public BlockCommit blockCommit(BlockCommit configured) {
    return new BlockCommit(
            (int) Math.min(Integer.MAX_VALUE, settings.batchRows()), settings.batchInterval())
        .onlyAtBounds();
  }

  @Override
  public void initializePosition(Checkpoint position) {
    PositionCatalog catalog = new PositionCatalog(dialect, settings.catalogSchema());
    try (Connection c = dialect.connect()) {
      catalog.install(c);
      Checkpoint now = catalog.read(c);
      if (now.isNone() || now.seqno() < position.seqno()) {
        catalog.write(c, position, clock.millis());
      }
      c.commit();
    } catch (SQLException e) {
      throw new TargetException(
          "cannot record the position in " + describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void dropCatalog() {
    try (Connection c = dialect.connect()) {
      new PositionCatalog(dialect, settings.catalogSchema()).drop(c);
    } catch (SQLException e) {
      throw new TargetException(
          "cannot drop the catalog "
              + settings.catalogSchema()
              + " in "
              + describe()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public Map<String, Map<String, Object>> stats() {
    return Map.of("applier", stats.snapshot());
  }

  @Override
  public void close() {
    dialect.close();
  }
}

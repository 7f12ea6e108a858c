package io.ferry.server;

import io.ferry.core.pipeline.Filter;
import io.ferry.server.config.MultiMasterSettings;
import io.ferry.server.config.ServiceConfig;
import io.ferry.server.config.ServiceSettings;
import io.ferry.server.shard.ShardHomeFilter;
import io.ferry.server.shard.ShardHomes;
import io.ferry.server.shard.ShardPolicy;
import io.ferry.server.shard.ShardViolations;
import java.time.Clock;

/** Makes a service's shard home filter from its role and settings. Stateless. */
final class ShardHomeFilters {
  private ShardHomeFilters() {}

  /**
   * The filter that enforces the shard home map on the service's stage that reads a source (master,
   * direct) or applies (slave); null for a dummy service, which replicates nothing.
   */
  static Filter of(ServiceConfig c, ShardHomes homes, ShardViolations counts, Clock clock) {
    ShardPolicy.Side side =
        switch (c.role()) {
          case ServiceSettings.MASTER, ServiceSettings.DIRECT -> ShardPolicy.Side.SOURCE;
          case ServiceSettings.SLAVE -> ShardPolicy.Side.REPLICA;
          default -> null;
        };
    if (side == null) {
      return null;
    }
    ShardPolicy.Actions actions =
        new ShardPolicy.Actions(
            action(c, MultiMasterSettings.SHARD_NO_HOME),
            action(c, MultiMasterSettings.SHARD_WRONG_HOME),
            action(c, MultiMasterSettings.SHARD_ERRANT_WRITES));
    return new ShardHomeFilter(side, c.name(), homes, actions, counts, clock);
  }

  /** A setting's action; the default where it does not apply to the role (never asked then). */
  private static ShardPolicy.Action action(
      ServiceConfig c, io.ferry.core.config.Setting<String> s) {
    String word = s.appliesTo(c.role()) ? c.get(s) : s.defaultValue();
    return ShardPolicy.Action.parse(word);
  }
}

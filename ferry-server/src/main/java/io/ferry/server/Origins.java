package io.ferry.server;

import io.ferry.core.pipeline.Filter;
import io.ferry.mysql.origin.LocalOriginFilter;
import io.ferry.mysql.origin.RelayFilter;
import io.ferry.server.config.MultiMasterSettings;
import io.ferry.server.config.ServiceConfig;
import java.time.Clock;
import java.util.List;

/**
 * The origin filters a role runs (docs/multi-master.md, "Origin tagging and loops"): before the THL
 * of a service that reads a binlog, the relay filter (names foreign origins, applies {@code
 * source.relay}); before the target of a service that applies, the local-origin filter ({@code
 * apply.skip-local-origin}, and the count of origins applied). They are not configured filters:
 * their counts are in the service status ({@code origins}), not among the stage's filters; what
 * they drop is recorded as a gap with their name. Stateless.
 */
final class Origins {
  private Origins() {}

  /** The relay filter of a master or direct service (none for a dummy). */
  static List<Filter> relay(ServiceConfig c, Clock clock, Roles.Parts p) {
    if (!MultiMasterSettings.SOURCE_RELAY.appliesTo(c.role())) {
      return List.of();
    }
    RelayFilter f =
        new RelayFilter(Roles.sourceSettings(c), c.get(MultiMasterSettings.SOURCE_RELAY), clock);
    p.relay = f;
    return List.of(f);
  }

  /** The local-origin filter of a slave or direct service. */
  static List<Filter> localOrigin(ServiceConfig c, Roles.Parts p) {
    LocalOriginFilter f =
        new LocalOriginFilter(
            c.get(MultiMasterSettings.APPLY_SKIP_LOCAL_ORIGIN), p.target.localServerId());
    p.localOrigin = f;
    return List.of(f);
  }
}

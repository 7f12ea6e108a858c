package io.ferry.server;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.filter.FilterContext;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.NativePosition;
import io.ferry.core.target.Target;
import io.ferry.mysql.provision.ProvisionFloors;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.server.config.ServiceConfig;
import io.ferry.server.provision.ProvisionJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a direct service does about provisioning: the environment a {@link ProvisionJob} copies in
 * (the source, the target, the service's filters), where the service starts after it (the lowest
 * table floor, while its catalog is empty), and the floors filter it applies until it has passed
 * the highest floor (then the floors file goes). Stateless.
 */
final class Provisioning {
  private static final Logger LOG = LoggerFactory.getLogger(Provisioning.class);

  private Provisioning() {}

  /** The target catalog's position (its own connection). */
  private static Checkpoint catalog(ServiceConfig c, Clock clock) {
    try (Target t = Roles.target(c, clock)) {
      Applier a = t.applier();
      try {
        return a.lastCommitted();
      } finally {
        a.close();
      }
    }
  }

  /** Refuses a target whose catalog holds a position. */
  static void refuseUnlessEmpty(Service s, ServiceConfig c, Clock clock) {
    Checkpoint at = catalog(c, clock);
    if (!at.isNone()) {
      throw new ServiceStateException(
          "service "
              + s.name()
              + "'s target has applied up to "
              + at
              + ": provisioning fills an empty target. Reset it first (ferry reset -service "
              + s.name()
              + " -catalog, and empty the tables)");
    }
  }

  /**
   * Where a provisioned service starts: the lowest floor while its catalog is empty; or null. A
   * provisioning that did not end keeps the service offline.
   */
  static NativePosition start(Service s, ServiceConfig c, Clock clock) {
    if (Files.exists(s.dir().resolve(ProvisionJob.STATE))) {
      throw new ServiceStateException(
          "service "
              + s.name()
              + "'s provisioning did not end ("
              + s.dir().resolve(ProvisionJob.STATE)
              + " lists the tables it copied): run ferry provision -service "
              + s.name()
              + " again to copy the others, or with --restart to copy all");
    }
    ProvisionFloors floors = ProvisionFloors.read(s.dir());
    if (floors == null || floors.lowest() == null || !catalog(c, clock).isNone()) {
      return null;
    }
    LOG.info("service {} starts after its provisioning snapshot, at {}", s.name(), floors.lowest());
    return floors.lowest();
  }

  /** The floors filter while the service has not applied past them; the file goes after. */
  static ProvisionFloors floors(Service s, ServiceConfig c, Clock clock) {
    ProvisionFloors floors = ProvisionFloors.read(s.dir());
    if (floors == null) {
      return null;
    }
    Checkpoint at = catalog(c, clock);
    if (!at.isNone() && floors.passed(at.nativePosition())) {
      try {
        Files.deleteIfExists(s.dir().resolve(ProvisionFloors.FILE));
      } catch (IOException e) {
        LOG.warn("cannot delete {}: {}", s.dir().resolve(ProvisionFloors.FILE), e.toString());
      }
      return null;
    }
    return floors;
  }

  static ProvisionJob.Env env(Service s, ServiceConfig c, Clock clock) {
    Target target = Roles.target(c, clock);
    List<AutoCloseable> resources = new ArrayList<>();
    List<Filter> made = new ArrayList<>();
    return new ProvisionJob.Env() {
      @Override
      public SourceSettings source() {
        return Roles.sourceSettings(c);
      }

      @Override
      public Path dir() {
        return s.dir();
      }

      @Override
      public Target target() {
        return target;
      }

      @Override
      public synchronized List<Filter> filters() {
        List<Filter> f = new ArrayList<>();
        f.addAll(FilterChains.build(c, FilterContext.Side.EXTRACT, clock, resources, true, null));
        f.addAll(FilterChains.build(c, FilterContext.Side.APPLY, clock, resources, false, target));
        made.addAll(f);
        return f;
      }

      @Override
      public void done(BinlogPosition start) {
        release();
        s.online(Service.OnlineOptions.NONE);
      }

      @Override
      public synchronized void release() {
        FilterChains.release(made, resources, problem -> LOG.warn("{}", problem));
        made.clear();
        target.close();
      }
    };
  }
}

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
import io.ferry.server.config.ServiceSettings;
import io.ferry.server.provision.MasterProbe;
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
 * What a direct or slave service does about provisioning: the environment a {@link ProvisionJob}
 * copies in (the source, the target, the service's filters), where the service starts after it (the
 * lowest table floor, or for a slave its master's first seqno past it, while its catalog is empty),
 * and the floors filter it applies until it has passed the highest floor (then the floors file
 * goes). Stateless.
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

  /**
   * Where a slave with an empty THL fetches from when its target's catalog holds a position (a
   * target restored from a backup of another replica): right after it, with its epoch, so the
   * master refuses another history. Null when the catalog is empty (a new replica fetches from
   * seqno 0); an error when it cannot be read now (the fetching stage retries: fetching from seqno
   * 0 instead would fetch the master's whole history, unchecked).
   */
  static Checkpoint restoredAt(ServiceConfig c, Clock clock) {
    Checkpoint at = lowWater(c, clock);
    if (at == null || at.isNone()) {
      return null;
    }
    LOG.info(
        "service {}: its THL is empty and its target holds {}: fetching after it", c.name(), at);
    return at;
  }

  /**
   * Where a target's apply would resume the stream: for a target that applies in channels, as the
   * last run's layout restarts them (from the lowest row when they stopped apart).
   */
  private static Checkpoint lowWater(ServiceConfig c, Clock clock) {
    if (!c.targetType().parallel()) {
      return catalog(c, clock);
    }
    try (Target t = Roles.target(c, clock)) {
      io.ferry.core.parallel.ChannelTarget channels = t.channels(0);
      try {
        return io.ferry.core.parallel.RunPlan.restartOf(channels.positions(), channels.layout());
      } finally {
        channels.close();
      }
    }
  }

  /**
   * Refuses to provision or seed a service that is not a direct or slave service, is given a
   * snapshot source it cannot use (or none where it needs one; {@code sourceGiven} null: nothing is
   * copied), is not offline, runs another job, or whose catalog (or a slave's THL) holds something.
   */
  static void refuse(
      Service s,
      ServiceConfig config,
      Clock clock,
      Service.State state,
      io.ferry.server.check.Job running,
      Boolean sourceGiven) {
    boolean slave = s.role().equals(ServiceSettings.SLAVE);
    if (!slave && !s.role().equals(ServiceSettings.DIRECT)) {
      throw new ServiceStateException(
          "service "
              + s.name()
              + " is a "
              + s.role()
              + ": provisioning fills the target of a direct or slave service");
    }
    if (sourceGiven != null && slave != sourceGiven) {
      throw new ServiceStateException(
          slave
              ? "service "
                  + s.name()
                  + " is a slave: give the database its master service reads (--source DB), the"
                  + " snapshots are taken there"
              : "service "
                  + s.name()
                  + " is a direct service: the snapshots are taken on its own source (no"
                  + " --source)");
    }
    if (state != Service.State.OFFLINE_NORMAL && state != Service.State.OFFLINE_ERROR) {
      throw new ServiceStateException(
          "service " + s.name() + " is " + state + ": take it offline before provisioning");
    }
    if (running != null && running.running()) {
      throw new ServiceStateException(
          "service " + s.name() + " is already running " + running.id() + " (ferry check status)");
    }
    refuseUnlessEmpty(s, config, clock);
    if (slave && !Switchover.lastOf(config, s).isNone()) {
      throw new ServiceStateException(
          "service "
              + s.name()
              + "'s THL holds transactions already: a provisioned slave starts with an empty one"
              + " (ferry reset -service "
              + s.name()
              + " -thl)");
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
   * Where a provisioned direct service starts: the lowest floor while its catalog is empty; or
   * null. A provisioning that did not end keeps the service offline.
   */
  static NativePosition start(Service s, ServiceConfig c, Clock clock) {
    BinlogPosition lowest = pending(s, c, clock);
    if (lowest != null) {
      LOG.info("service {} starts after its provisioning snapshot, at {}", s.name(), lowest);
    }
    return lowest;
  }

  /**
   * Where a provisioned slave starts: the first seqno of its master's log past the lowest floor,
   * while its catalog is empty; or null.
   */
  static Long slaveStart(Service s, ServiceConfig c, Clock clock) {
    BinlogPosition lowest = pending(s, c, clock);
    if (lowest == null) {
      return null;
    }
    try {
      long seqno = new MasterProbe(Roles.clientSettings(c), lowest).firstAfterSnapshot();
      LOG.info(
          "service {} starts after its provisioning snapshot at {}: from its master's seqno {}",
          s.name(),
          lowest,
          seqno);
      return seqno;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceStateException("interrupted while looking for where to start", e);
    } catch (RuntimeException e) {
      throw new ServiceStateException(
          "service "
              + s.name()
              + " cannot find where its master's log passes its provisioning snapshot ("
              + lowest.text()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /** The lowest floor of a provisioning whose service has applied nothing yet, or null. */
  private static BinlogPosition pending(Service s, ServiceConfig c, Clock clock) {
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
    return floors.lowest();
  }

  /**
   * Records a target restored from a backup of the source taken at {@code at}: one floor for every
   * table, so the service starts there and passes over nothing else.
   */
  static void seed(Service s, BinlogPosition at) {
    try {
      Files.createDirectories(s.dir());
      Files.deleteIfExists(s.dir().resolve(ProvisionJob.STATE));
      ProvisionFloors.write(s.dir(), java.util.Map.of("*", at));
    } catch (IOException e) {
      throw new ServiceStateException(
          "cannot write " + s.dir().resolve(ProvisionFloors.FILE) + ": " + e.getMessage(), e);
    }
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

  /** {@code source}: where the snapshots are taken, or null for the service's own source. */
  static ProvisionJob.Env env(Service s, ServiceConfig c, SourceSettings source, Clock clock) {
    Target target = Roles.target(c, clock);
    List<AutoCloseable> resources = new ArrayList<>();
    List<Filter> made = new ArrayList<>();
    return new ProvisionJob.Env() {
      @Override
      public SourceSettings source() {
        return source != null ? source : Roles.sourceSettings(c);
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

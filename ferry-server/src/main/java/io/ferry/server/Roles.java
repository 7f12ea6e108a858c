package io.ferry.server;

import io.ferry.core.config.Setting;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.filter.FilterContext;
import io.ferry.core.net.RemoteThlExtractor;
import io.ferry.core.net.ThlClientSettings;
import io.ferry.core.net.ThlServer;
import io.ferry.core.net.ThlServerSettings;
import io.ferry.core.net.TlsSettings;
import io.ferry.core.parallel.Layout;
import io.ferry.core.parallel.ParallelApplier;
import io.ferry.core.parallel.ParallelSettings;
import io.ferry.core.parallel.Scheduler;
import io.ferry.core.parallel.SingleChannelApplier;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.DummyApplier;
import io.ferry.core.pipeline.Extractor;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.pipeline.Pipeline;
import io.ferry.core.pipeline.RetryPolicy;
import io.ferry.core.pipeline.Stage;
import io.ferry.core.pipeline.Store;
import io.ferry.core.pipeline.ThlStore;
import io.ferry.core.target.Target;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlSettings;
import io.ferry.mysql.BinlogExtractor;
import io.ferry.mysql.DbTls;
import io.ferry.mysql.ExtractorSettings;
import io.ferry.mysql.schema.SchemaHistory;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.server.config.ParallelApplySettings;
import io.ferry.server.config.ServiceConfig;
import io.ferry.server.config.ServiceSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The service roles as presets: what each one's pipeline is made of. master: binlog → THL, the THL
 * served to replicas. slave: a master's THL → local THL → target. direct: binlog → target in one
 * stage. dummy: binlog → nothing, counted. A master going online starts a new epoch: the current
 * time in milliseconds, or one more than its log's last epoch if that is later, so two masters'
 * logs never share an epoch at the same seqno.
 */
final class Roles {
  private Roles() {}

  /** What a running service is made of; fields are null where the role has no such part. */
  static final class Parts {
    Thl thl;
    Pipeline pipeline;
    ThlServer server;

    /** The target of a role that applies (its type's plug-in). */
    Target target;

    ParallelApplier parallel;

    /** A single-channel applier that may finish an earlier parallel run, or null. */
    SingleChannelApplier single;

    /** Parallel apply as it runs now: configured, or finishing an earlier run; else null. */
    ParallelApplier parallelNow() {
      return parallel != null ? parallel : single != null ? single.finishing() : null;
    }

    RemoteThlExtractor remote;
    DummyApplier dummy;
    long epoch;

    /** The origin filters of the roles that have them (see {@link Origins}), or null. */
    io.ferry.mysql.origin.RelayFilter relay;

    io.ferry.mysql.origin.LocalOriginFilter localOrigin;

    /** What the filters use besides themselves (schema views); closed with the service. */
    final List<AutoCloseable> resources = new ArrayList<>();

    /**
     * The configured filters: their stage releases them when it stops; released here too when the
     * pipeline never ran (releasing is idempotent).
     */
    final List<Filter> filters = new ArrayList<>();

    /**
     * Releases what the pipeline does not own: the THL server, the THL, the schema views, and
     * filters a stage never ran.
     */
    void closeResources() {
      // a stage still inside a filter call releases its filters itself when the call returns
      boolean stageAlive = pipeline != null && pipeline.threadsAlive();
      FilterChains.release(
          stageAlive ? List.of() : filters,
          resources,
          problem -> org.slf4j.LoggerFactory.getLogger(Roles.class).warn("{}", problem));
      filters.clear();
      resources.clear();
      if (server != null) {
        server.close();
        server = null;
      }
      if (thl != null) {
        thl.close();
        thl = null;
      }
    }
  }

  /**
   * Builds a role's parts. {@code startAt} (or null) is where the stage that applies (a slave's
   * THL-to-target stage, the binlog stage of the other roles) starts instead of after its
   * checkpoint. That stage's filters are {@code first} (skipped seqnos), the configured extract
   * filters (roles that read a binlog), the configured apply filters (roles that apply), then
   * {@code last} (the shard home filter and the shard tracker). {@code critical}: shards the shard
   * home map marks critical, which parallel apply runs alone (as of going online).
   */
  static Parts build(
      ServiceConfig c,
      Path dir,
      List<Filter> first,
      List<Filter> last,
      Checkpoint startAt,
      java.util.Set<String> critical,
      Clock clock) {
    Parts p = new Parts();
    String role = c.role();
    String name = c.name();
    BlockCommit block =
        new BlockCommit(
            c.get(ServiceSettings.BLOCK_COMMIT_EVENTS),
            c.get(ServiceSettings.BLOCK_COMMIT_LATENCY));
    RetryPolicy retry =
        new RetryPolicy(
            Duration.ofMillis(500), Duration.ofSeconds(10), c.get(ServiceSettings.RETRY_FOR));
    try {
      if (!role.equals(ServiceSettings.SLAVE)) {
        p.filters.addAll(Origins.relay(c, clock, p));
        p.filters.addAll(
            FilterChains.build(c, FilterContext.Side.EXTRACT, clock, p.resources, true, null));
      }
      if (role.equals(ServiceSettings.SLAVE) || role.equals(ServiceSettings.DIRECT)) {
        p.target = target(c, clock);
        p.resources.add(p.target);
        p.filters.addAll(Origins.localOrigin(c, p));
        if (!p.target.consistencyChecks()) {
          p.filters.add(new io.ferry.server.check.UncheckedTarget(name, p.target.describe()));
        }
        p.filters.addAll(
            FilterChains.build(c, FilterContext.Side.APPLY, clock, p.resources, false, p.target));
      }
      List<Filter> applyFilters = new ArrayList<>(first);
      applyFilters.addAll(p.filters);
      applyFilters.addAll(last);
      Duration delay =
          ServiceSettings.APPLY_DELAY.appliesTo(role)
              ? c.get(ServiceSettings.APPLY_DELAY)
              : Duration.ZERO;
      switch (role) {
        case ServiceSettings.MASTER -> {
          p.thl = Thl.open(thlSettings(c, dir, clock));
          p.epoch = Math.max(p.thl.lastCheckpoint().epoch() + 1, clock.millis());
          ThlStore store = new ThlStore("thl", p.thl);
          Stage stage =
              stage(
                  "binlog-to-thl",
                  binlog(c, dir, clock),
                  store.applier(),
                  block,
                  retry,
                  p.epoch,
                  name,
                  applyFilters,
                  startAt,
                  Duration.ZERO);
          p.pipeline = new Pipeline(name, List.of(stage), List.<Store>of(store), clock);
          p.server = new ThlServer(p.thl, serverSettings(c), clock);
        }
        case ServiceSettings.SLAVE -> {
          p.thl = Thl.open(thlSettings(c, dir, clock));
          ThlStore store = new ThlStore("thl", p.thl);
          p.remote = new RemoteThlExtractor(clientSettings(c));
          Applier applier = applier(p, c, critical, clock);
          // An empty log fetches from where the operator said to start, or after what the
          // target holds (restored from a backup: the master checks the epoch), or from seqno 0.
          Checkpoint fetchFrom =
              startAt != null && p.thl.lastSeqno().isEmpty()
                  ? RemoteThlExtractor.startingAfter(startAt.seqno())
                  : null;
          // A master may be away for long: the fetching stage keeps retrying.
          RetryPolicy forever =
              new RetryPolicy(
                  Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofDays(3650));
          Stage fetch =
              stage(
                  "remote-to-thl",
                  new RestoredStart(p.remote, () -> Provisioning.restoredAt(c, clock)),
                  store.applier(),
                  block,
                  forever,
                  0,
                  name,
                  List.of(),
                  fetchFrom,
                  Duration.ZERO);
          Stage apply =
              stage(
                  "thl-to-target",
                  store.extractor(),
                  applier,
                  p.parallel != null ? parallelBlock(block) : p.target.blockCommit(block),
                  retry,
                  0,
                  name,
                  applyFilters,
                  startAt,
                  delay);
          p.pipeline = new Pipeline(name, List.of(fetch, apply), List.<Store>of(store), clock);
        }
        case ServiceSettings.DIRECT, ServiceSettings.DUMMY -> {
          boolean direct = role.equals(ServiceSettings.DIRECT);
          Applier end;
          if (direct) {
            end = applier(p, c, critical, clock);
            block = p.parallel != null ? block : p.target.blockCommit(block);
          } else {
            p.dummy = new DummyApplier();
            end = p.dummy;
          }
          p.epoch = clock.millis();
          Stage stage =
              stage(
                  direct ? "binlog-to-target" : "binlog-to-nothing",
                  binlog(c, dir, clock),
                  end,
                  p.parallel != null ? parallelBlock(block) : block,
                  retry,
                  p.epoch,
                  name,
                  applyFilters,
                  startAt,
                  delay);
          p.pipeline = new Pipeline(name, List.of(stage), List.of(), clock);
        }
        default -> throw new IllegalArgumentException("unknown role " + role);
      }
      return p;
    } catch (RuntimeException | Error e) {
      p.closeResources(); // filters made so far are released, schema views closed
      throw e;
    }
  }

  private static Stage stage(
      String name,
      Extractor extractor,
      Applier applier,
      BlockCommit block,
      RetryPolicy retry,
      long epoch,
      String origin,
      List<Filter> filters,
      Checkpoint startAt,
      Duration delay) {
    Stage.Builder b =
        Stage.builder(name)
            .extractor(extractor)
            .applier(applier)
            .blockCommit(block)
            .retry(retry)
            .epoch(epoch)
            .originService(origin)
            .startAt(startAt)
            .delay(delay);
    filters.forEach(b::filter);
    return b.build();
  }

  /** The schema of a service's heartbeat table on its source. */
  static String heartbeatSchema(String service) {
    return "ferry_" + service;
  }

  static ThlSettings thlSettings(ServiceConfig c, Path dir, Clock clock) {
    Path thlDir =
        c.isSet(ServiceSettings.THL_DIR) ? c.path(ServiceSettings.THL_DIR) : dir.resolve("thl");
    return ThlSettings.defaults(thlDir)
        .withFsync(c.get(ServiceSettings.THL_FSYNC))
        .withSegmentBytes(c.get(ServiceSettings.THL_SEGMENT_BYTES))
        .withRetention(
            c.get(ServiceSettings.THL_RETENTION), c.get(ServiceSettings.THL_RETENTION_BYTES))
        .withClock(clock);
  }

  private static BinlogExtractor binlog(ServiceConfig c, Path dir, Clock clock) {
    SourceSettings source = sourceSettings(c);
    Path history =
        c.isSet(ServiceSettings.SOURCE_SCHEMA_HISTORY)
            ? c.path(ServiceSettings.SOURCE_SCHEMA_HISTORY)
            : dir.resolve("schema-history.jsonl");
    ExtractorSettings settings =
        ExtractorSettings.defaults()
            .withStart(c.get(ServiceSettings.SOURCE_START))
            .withRequireRowFormat(c.get(ServiceSettings.SOURCE_REQUIRE_ROW_FORMAT))
            .withFragmentBytes(c.get(ServiceSettings.SOURCE_FRAGMENT_BYTES))
            .withReconnectFor(c.get(ServiceSettings.SOURCE_RECONNECT_FOR))
            .withSchemaHistory(
                history,
                SchemaHistory.OnUnparsedDdl.valueOf(
                    c.get(ServiceSettings.SOURCE_ON_UNPARSED_DDL).toUpperCase(Locale.ROOT)))
            .withHeartbeatSchema(heartbeatSchema(c.name()));
    return new BinlogExtractor(source, settings, clock);
  }

  static SourceSettings sourceSettings(ServiceConfig c) {
    return new SourceSettings(
        c.get(ServiceSettings.SOURCE_HOST),
        c.get(ServiceSettings.SOURCE_PORT),
        c.get(ServiceSettings.SOURCE_USER),
        c.get(ServiceSettings.SOURCE_PASSWORD),
        c.isSet(ServiceSettings.SOURCE_REPLICA_SERVER_ID)
            ? c.get(ServiceSettings.SOURCE_REPLICA_SERVER_ID)
            : SourceSettings.defaultReplicaServerId(c.name(), c.get(ServiceSettings.SOURCE_PORT)),
        c.get(ServiceSettings.SOURCE_CONNECT_TIMEOUT),
        c.get(ServiceSettings.SOURCE_HEARTBEAT),
        tls(
            c,
            ServiceSettings.SOURCE_TLS,
            ServiceSettings.SOURCE_TLS_CA,
            ServiceSettings.SOURCE_TLS_KEYSTORE,
            ServiceSettings.SOURCE_TLS_KEYSTORE_PASSWORD));
  }

  /** TLS towards the source, from its four settings. */
  private static DbTls tls(
      ServiceConfig c,
      Setting<String> mode,
      Setting<Path> ca,
      Setting<Path> keyStore,
      Setting<String> password) {
    return new DbTls(
        DbTls.Mode.parse(c.get(mode)),
        c.isSet(ca) ? c.path(ca) : null,
        c.isSet(keyStore) ? c.path(keyStore) : null,
        c.get(password));
  }

  /**
   * The target of a service that applies, from its type's plug-in (not connected yet); what cannot
   * work is a {@link io.ferry.core.target.TargetException}.
   */
  static Target target(ServiceConfig c, Clock clock) {
    return c.targetType().open(c, clock);
  }

  /**
   * The applier of a role that applies: parallel apply when more than one channel is configured
   * (then also {@code p.parallel}); with one channel the target's own applier, which on a target
   * that can apply in parallel first finishes a parallel run that stopped with its channels apart.
   */
  private static Applier applier(
      Parts p, ServiceConfig c, java.util.Set<String> critical, Clock clock) {
    int channels = c.get(ParallelApplySettings.APPLY_CHANNELS);
    if (channels > 1) {
      p.parallel = parallel(c, critical, clock, p.target, channels);
      return p.parallel;
    }
    if (!c.targetType().parallel()) {
      return p.target.applier();
    }
    p.single =
        new SingleChannelApplier(
            p.target.applier(),
            p.target.channels(0),
            () -> parallel(c, critical, clock, p.target, 1));
    return p.single;
  }

  /**
   * Parallel apply with {@code channels} channels (one: a single shard channel, which finishes an
   * earlier run first). The channels commit by the block settings; the stage's own commit (which
   * waits for every channel) comes rarely.
   */
  private static ParallelApplier parallel(
      ServiceConfig c, java.util.Set<String> critical, Clock clock, Target t, int channels) {
    Scheduler scheduler =
        channels == 1
            ? Scheduler.SHARD
            : Scheduler.parse(c.get(ParallelApplySettings.APPLY_SCHEDULER));
    int lockWait = (int) Math.max(1, c.get(ParallelApplySettings.APPLY_LOCK_WAIT).toSeconds());
    io.ferry.core.parallel.ChannelTarget target =
        t.channels(scheduler == Scheduler.KEY ? lockWait : 0);
    ParallelSettings settings =
        new ParallelSettings(
            c.name(),
            new Layout(scheduler, channels),
            new BlockCommit(
                c.get(ServiceSettings.BLOCK_COMMIT_EVENTS),
                c.get(ServiceSettings.BLOCK_COMMIT_LATENCY)),
            c.get(ParallelApplySettings.APPLY_CHANNEL_QUEUE),
            c.get(ParallelApplySettings.APPLY_CHANNEL_QUEUE_BYTES),
            c.get(ParallelApplySettings.APPLY_KEYS_MAX),
            c.get(ParallelApplySettings.APPLY_LOCK_WAIT_RETRIES),
            withCritical(c.shardMap(), critical));
    return new ParallelApplier(settings, target, clock);
  }

  /**
   * The configured shard map with the shards the shard home map marks critical added (they run
   * alone, like the map's own critical shards).
   */
  private static io.ferry.core.parallel.ShardMap withCritical(
      io.ferry.core.parallel.ShardMap map, java.util.Set<String> critical) {
    if (critical.isEmpty() || map.critical().containsAll(critical)) {
      return map;
    }
    java.util.Set<String> all = new java.util.LinkedHashSet<>(map.critical());
    all.addAll(critical);
    return new io.ferry.core.parallel.ShardMap(map.channels(), all, map.fallback());
  }

  /** The stage block of a parallel stage: its commit waits for every channel, so it is rare. */
  private static BlockCommit parallelBlock(BlockCommit channels) {
    return new BlockCommit(
        1_000_000, channels.maxLatency().multipliedBy(4).plus(Duration.ofSeconds(1)));
  }

  private static ThlServerSettings serverSettings(ServiceConfig c) {
    TlsSettings tls =
        c.isSet(ServiceSettings.SERVE_KEYSTORE)
            ? new TlsSettings(
                c.path(ServiceSettings.SERVE_KEYSTORE),
                c.get(ServiceSettings.SERVE_KEYSTORE_PASSWORD),
                null,
                null)
            : null;
    return ThlServerSettings.of(
            c.get(ServiceSettings.SERVE_BIND), c.get(ServiceSettings.SERVE_PORT), c.name())
        .withSecret(c.get(ServiceSettings.SERVE_SECRET))
        .withTls(tls)
        .withHeartbeat(c.get(ServiceSettings.SERVE_HEARTBEAT));
  }

  static ThlClientSettings clientSettings(ServiceConfig c) {
    boolean tls = c.get(ServiceSettings.MASTER_TLS) || c.isSet(ServiceSettings.MASTER_TRUSTSTORE);
    List<io.ferry.core.net.MasterAddress> masters =
        new ArrayList<>(c.get(ServiceSettings.MASTER_URI));
    return ThlClientSettings.of(masters, c.name())
        .withSecret(c.get(ServiceSettings.MASTER_SECRET))
        .withTls(
            tls
                ? new TlsSettings(
                    null,
                    null,
                    c.path(ServiceSettings.MASTER_TRUSTSTORE),
                    c.get(ServiceSettings.MASTER_TRUSTSTORE_PASSWORD))
                : null)
        .withSilenceLimit(c.get(ServiceSettings.MASTER_SILENCE_LIMIT))
        .withMaxFrameBytes(Math.toIntExact(c.get(ServiceSettings.MASTER_MAX_FRAME_BYTES)));
  }
}

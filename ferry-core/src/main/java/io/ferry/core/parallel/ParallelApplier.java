package io.ferry.core.parallel;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Shards;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionOptions;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.pipeline.BoundedBuffer;
import io.ferry.core.pipeline.StageInterruptedException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parallel apply, as the applier of a stage: the stage's thread dispatches each transaction to one
 * of N channels ({@link Channel}), each with its own target connection and catalog row. The shard
 * scheduler gives each shard one channel and lets channels commit independently; the key scheduler
 * hands runs of consecutive transactions to the channels in turn, makes a transaction that shares a
 * key with an uncommitted earlier run wait for that run's commit, and commits runs in seqno order
 * (a commit ticket), so the target only ever shows states the source had. What cannot be scheduled
 * safely (see {@link #barrier}) runs alone after every channel has committed.
 *
 * <p>{@link #commit} waits until every channel has committed all it was given, and moves the
 * position of channels that had nothing to do to the same seqno, so a clean stop leaves every
 * channel at the same seqno. At start ({@link #lastCommitted}) it reads every channel's row: the
 * key scheduler resumes after the highest (commits were ordered); the shard scheduler after the
 * lowest, each channel passing over what it has. When the last run stopped without its channels
 * agreeing, that run's layout is used until the stream passes the furthest channel, and the
 * configured one after that.
 *
 * <p>Used by its stage's thread; {@link #status} and {@link #abort} by any.
 */
public final class ParallelApplier implements Applier {
  private static final Logger LOG = LoggerFactory.getLogger(ParallelApplier.class);
  private static final long WAIT_SLICE_MILLIS = 50;
  private static final int KEY_MEMORY = 1 << 20;

  private final ParallelSettings settings;
  private final ChannelTarget target;
  private final Clock clock;
  private final Object monitor = new Object();
  private final LockWaits lockWaits;

  // the run: set up by load() and start(), torn down by rollback() and close()
  private volatile Layout layout;
  private volatile Channel[] channels = new Channel[0];
  private final Map<Integer, Applier> appliers = new HashMap<>();
  private volatile long generation;
  private boolean loaded;
  private boolean started;
  private long[] skipThrough = new long[0];
  private long keyRestart = -1;
  private final Map<Long, Integer> inDoubt = new HashMap<>();
  private long finishThrough = -1;
  private long lastLevel;
  private Checkpoint finishedAt = Checkpoint.NONE;
  private volatile ShardRouter router;
  private KeyExtractor keys;

  // dispatching
  private long nextToken;
  private Checkpoint lastDispatched = Checkpoint.NONE;
  private long highestDispatched = -1;
  private Channel fragmentsTo;
  private Channel aloneTo;
  private long aloneBlock = -1;
  private long skippingSeqno = -1;

  // the key scheduler
  private long nextBlock;
  private long currentBlock = -1;
  private int currentChannel = -1;
  private int runLength;
  private String runOrigin;
  private String runSource;
  private long runStart;
  private final Map<Long, Long> lastWriter = new HashMap<>();
  private long committedBlocks; // guarded by monitor: blocks 0..committedBlocks-1 have committed

  private final AtomicLong schemaGeneration = new AtomicLong();

  // failures
  private volatile RuntimeException failure;
  private volatile boolean abandoning;
  private volatile Channel failedChannel;

  // status
  private final Map<String, LongAdder> serialized = new ConcurrentHashMap<>();
  private final Map<String, String> lastSerialized = new ConcurrentHashMap<>();
  private final Map<Integer, Long> retriesByChannel = new ConcurrentHashMap<>();

  public ParallelApplier(ParallelSettings settings, ChannelTarget target, Clock clock) {
    this.settings = settings;
    this.target = target;
    this.clock = clock;
    this.lockWaits = new LockWaits(settings.service(), settings.deadlockRetries());
  }

  ParallelSettings settings() {
    return settings;
  }

  String service() {
    return settings.service();
  }

  /** Its first call reads the channels' rows and opens them. */
  @Override
  public boolean readsPositionOnItsThread() {
    return true;
  }

  /**
   * Where the stage resumes. Before the channels run: read from the catalog (and the run set up);
   * while they run: the lowest channel position (shard) or the highest (key).
   */
  @Override
  public Checkpoint lastCommitted() {
    if (!loaded) {
      return load();
    }
    Checkpoint result = null;
    for (Channel ch : channels) {
      Checkpoint c = ch.durable();
      if (result == null) {
        result = c;
      } else if (layout.scheduler() == Scheduler.KEY) {
        result = c.isNone() || (!result.isNone() && c.seqno() <= result.seqno()) ? result : c;
      } else {
        result = result.isNone() || (!c.isNone() && result.seqno() <= c.seqno()) ? result : c;
      }
    }
    return result == null ? Checkpoint.NONE : result;
  }

  /** Reads every channel's row and decides how this run starts. */
  private Checkpoint load() {
    RunPlan plan = RunPlan.of(target.positions(), target.layout(), settings.layout());
    Checkpoint restart = plan.restart();
    layout = plan.layout();
    skipThrough = plan.skipThrough();
    inDoubt.clear();
    inDoubt.putAll(plan.inDoubt());
    finishThrough = plan.finishThrough();
    finishedAt = plan.finishedAt();
    keyRestart = plan.finishing() || restart.isNone() ? -1 : restart.seqno();
    if (plan.finishing()) {
      LOG.warn(
          "service {}: the last run ({}) stopped without its channels agreeing (from {} to seqno"
              + " {}); finishing its assignment before applying with {}",
          settings.service(),
          plan.before(),
          restart.isNone() ? "nothing" : "seqno " + restart.seqno(),
          finishThrough,
          settings.layout());
    } else {
      if (plan.settle()) {
        target.settle(layout, restart, plan.changed());
      }
      if (plan.changed()) {
        LOG.info(
            "service {}: applying with {} (the last run had {}), after seqno {}",
            settings.service(),
            layout,
            plan.before(),
            restart.isNone() ? "none" : restart.seqno());
      }
    }
    openChannels(restart);
    loaded = true;
    return restart;
  }

  private void openChannels(Checkpoint restart) {
    int n = layout.channels();
    Channel[] opened = new Channel[n];
    long bytesEach = Math.max(1, settings.queueBytes() / n);
    long run = generation + 1; // only this thread writes it
    generation = run;
    for (int ch = 0; ch < n; ch++) {
      // a channel keeps its applier across retries (it remembers what a failed batch taught it)
      Applier a = appliers.computeIfAbsent(ch, target::channel);
      Checkpoint at = a.lastCommitted(); // also resets what the applier knew of its row
      opened[ch] =
          new Channel(
              ch,
              run,
              a,
              new BoundedBuffer<>(settings.queueEvents(), bytesEach, Channel.Work::bytes),
              this,
              layout.scheduler() == Scheduler.SHARD,
              at,
              clock);
    }
    channels = opened;
    int lowest = 0;
    for (int ch = 0; ch < n; ch++) {
      if (skipThrough[ch] < skipThrough[lowest]) {
        lowest = ch;
      }
    }
    router =
        layout.scheduler() == Scheduler.SHARD
            ? new ShardRouter(
                settings.shardMap(), n, target.shards(), target, finishThrough >= 0 ? lowest : -1)
            : null;
    if (layout.scheduler() == Scheduler.KEY && keys == null) {
      keys = target.keys();
    }
    lastDispatched = restart;
    highestDispatched = restart.isNone() ? -1 : restart.seqno();
  }

  private void start() {
    synchronized (monitor) {
      committedBlocks = 0;
    }
    nextBlock = 0;
    currentBlock = -1;
    currentChannel = -1;
    lastWriter.clear();
    fragmentsTo = null;
    skippingSeqno = -1;
    failure = null;
    abandoning = false;
    for (Channel ch : channels) {
      ch.start(settings.service());
    }
    started = true;
  }

  @Override
  public void apply(ReplEvent event) {
    checkFailure();
    if (!loaded) {
      load();
    }
    if (!started) {
      start();
    }
    if (event instanceof Gap g) {
      lastDispatched = g.checkpoint(); // nothing to apply; channels move past it at the next commit
      highestDispatched = Math.max(highestDispatched, g.toSeqno());
      return;
    }
    Transaction tx = (Transaction) event;
    if (tx.seqno() == skippingSeqno) {
      dispatched(tx); // a fragment of a transaction this run passes over
      return;
    }
    if (fragmentsTo != null) {
      send(fragmentsTo, new Channel.Work(Channel.Kind.EVENT, tx, aloneBlock, -1, token()));
      if (tx.lastFrag()) {
        endAlone(tx);
      }
      return;
    }
    if (finishThrough >= 0 && tx.fragno() == 0 && tx.seqno() > finishThrough) {
      finishEarlierRun();
    }
    String alone = barrier(tx);
    long[] hashes = null;
    if (alone == null && layout.scheduler() == Scheduler.KEY) {
      KeyExtractor.Keys k = keys.keysOf(tx, settings.maxKeys());
      alone = k.barrier();
      hashes = k.hashes();
    }
    int ch;
    if (alone != null) {
      ch = inDoubt.getOrDefault(tx.seqno(), 0);
    } else if (layout.scheduler() == Scheduler.SHARD) {
      ch = router.channelOf(tx.header().shard(), tx.seqno(), skipThrough);
    } else {
      ch = -1;
    }
    long skip = ch >= 0 ? skipThrough[ch] : keyRestart;
    if (tx.seqno() <= skip) {
      if (!tx.lastFrag()) {
        skippingSeqno = tx.seqno();
      }
      dispatched(tx); // committed by that channel before the restart: done
      return;
    }
    if (alone != null) {
      runAlone(tx, alone, channels[ch]);
    } else if (layout.scheduler() == Scheduler.SHARD) {
      send(channels[ch], new Channel.Work(Channel.Kind.EVENT, tx, -1, -1, token()));
      if (clock.millis() - lastLevel >= settings.block().maxLatency().toMillis()) {
        dispatched(tx);
        level(); // quiet channels follow the stream
      }
    } else {
      dispatchKeyed(tx, hashes);
    }
    dispatched(tx);
  }

  private void dispatched(Transaction tx) {
    highestDispatched = Math.max(highestDispatched, tx.seqno());
    if (tx.lastFrag()) {
      lastDispatched = tx.checkpoint();
    }
  }

  /** Why a transaction must run alone whatever the scheduler, or null. */
  private String barrier(Transaction tx) {
    if (!tx.lastFrag()) {
      return "large transaction (several fragments)";
    }
    if (tx.heartbeat() != null) {
      return "heartbeat";
    }
    if (tx.header().option(TransactionOptions.CHECK) != null) {
      return "consistency check";
    }
    if (tx.commitRequired()) {
      return "DDL or non-transactional change";
    }
    if (inDoubt.containsKey(tx.seqno())) {
      return "in doubt after a stop";
    }
    if (layout.scheduler() == Scheduler.KEY) {
      return tx.seqno() <= lockWaits.serialThrough()
          ? "re-run after a lock wait between channels"
          : null;
    }
    String shard = tx.header().shard();
    if (shard == null || shard.isEmpty()) {
      return "unknown shard";
    }
    if (shard.equals(Shards.GLOBAL)) {
      return "global (several schemas or none)";
    }
    if (router.critical(shard)) {
      return "critical shard";
    }
    return null;
  }

  private void runAlone(Transaction tx, String reason, Channel ch) {
    // counted by category (what precedes ": "), so that the series stay few
    int colon = reason.indexOf(": ");
    String category = colon < 0 ? reason : reason.substring(0, colon);
    serialized.computeIfAbsent(category, r -> new LongAdder()).increment();
    if (colon >= 0) {
      lastSerialized.put(category, reason.substring(colon + 2));
    }
    LOG.debug("seqno {} runs alone: {}", tx.seqno(), reason);
    drain(false);
    aloneTo = ch;
    aloneBlock = layout.scheduler() == Scheduler.KEY ? nextBlock++ : -1;
    send(ch, new Channel.Work(Channel.Kind.EVENT, tx, aloneBlock, -1, token()));
    if (tx.lastFrag()) {
      endAlone(tx);
    } else {
      fragmentsTo = ch;
    }
  }

  /** The last fragment of a transaction that runs alone was sent: waits until it has committed. */
  private void endAlone(Transaction tx) {
    fragmentsTo = null;
    dispatched(tx);
    if (layout.scheduler() == Scheduler.KEY) {
      send(aloneTo, new Channel.Work(Channel.Kind.END_BLOCK, null, aloneBlock, -1, token()));
    }
    drain(false);
    if (tx.changes().stream().anyMatch(c -> c instanceof io.ferry.core.event.SqlStatement)) {
      // a statement may have changed any table: the channels and the keys forget what they knew
      schemaGeneration.incrementAndGet();
      if (keys != null) {
        keys.forget();
      }
    }
  }

  private void dispatchKeyed(Transaction tx, long[] hashes) {
    long now = clock.millis();
    // a run holds one origin: a channel that applies under each origin's server id commits
    // where the origin changes, which must be where its run ends (its turn in seqno order)
    if (currentBlock < 0
        || runLength >= settings.block().maxEvents()
        || now - runStart >= settings.block().maxLatency().toMillis()
        || !java.util.Objects.equals(tx.header().originService(), runOrigin)
        || !java.util.Objects.equals(tx.header().sourceId(), runSource)) {
      endBlock();
      currentChannel = (currentChannel + 1) % channels.length;
      currentBlock = nextBlock++;
      runLength = 0;
      runStart = now;
    }
    long committed = committedBlocks();
    long waitFor = -1;
    for (long h : hashes) {
      Long b = lastWriter.put(h, currentBlock);
      if (b != null && b != currentBlock && b >= committed) {
        waitFor = Math.max(waitFor, b);
      }
    }
    if (lastWriter.size() > KEY_MEMORY) {
      lastWriter.values().removeIf(b -> b < committed);
      if (lastWriter.size() > KEY_MEMORY / 2) {
        drain(false); // so many keys in flight: let them commit, then start afresh
        lastWriter.clear();
      }
    }
    runLength++;
    runOrigin = tx.header().originService();
    runSource = tx.header().sourceId();
    send(
        channels[currentChannel],
        new Channel.Work(Channel.Kind.EVENT, tx, currentBlock, waitFor, token()));
  }

  private void endBlock() {
    if (currentBlock >= 0) {
      send(
          channels[currentChannel],
          new Channel.Work(Channel.Kind.END_BLOCK, null, currentBlock, -1, token()));
      currentBlock = -1;
    }
  }

  private long token() {
    return nextToken++;
  }

  private void send(Channel ch, Channel.Work w) {
    if (w.event() != null) {
      ch.sentThrough = Math.max(ch.sentThrough, w.event().lastSeqno());
    }
    try {
      while (!ch.queue.offer(w, WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
        checkFailure();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StageInterruptedException("interrupted while channel " + ch.id + " was full");
    }
  }

  /**
   * Waits until every channel has committed all it was given; then, if {@code level}, moves the
   * channels that are behind the last dispatched transaction to it.
   */
  private void drain(boolean level) {
    if (!started) {
      return;
    }
    endBlock();
    flushAll();
    if (level && !lastDispatched.isNone() && lastDispatched.lastFrag()) {
      boolean moved = false;
      for (Channel ch : channels) {
        Checkpoint d = ch.durable();
        if (d.isNone() || d.seqno() < lastDispatched.seqno()) {
          Gap g =
              new Gap(
                  lastDispatched.seqno(),
                  lastDispatched.seqno(),
                  lastDispatched.epoch(),
                  lastDispatched.nativePosition(),
                  lastDispatched.sourceCommitMicros(),
                  "nothing for this channel");
          send(ch, new Channel.Work(Channel.Kind.EVENT, g, -1, -1, token()));
          moved = true;
        }
      }
      if (moved) {
        flushAll();
      }
    }
  }

  private void flushAll() {
    long[] tokens = new long[channels.length];
    for (int i = 0; i < channels.length; i++) {
      tokens[i] = token();
      send(channels[i], new Channel.Work(Channel.Kind.FLUSH, null, -1, -1, tokens[i]));
    }
    synchronized (monitor) {
      for (int i = 0; i < channels.length; i++) {
        while (channels[i].handled() < tokens[i]) {
          checkFailure();
          try {
            monitor.wait(WAIT_SLICE_MILLIS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageInterruptedException("interrupted while waiting for the channels");
          }
        }
      }
    }
  }

  /**
   * The earlier run's assignment is finished: every channel agrees; the configured layout starts.
   */
  private void finishEarlierRun() {
    drain(true);
    // every transaction up to the furthest row is applied (by the earlier run or now): the new
    // layout starts after the later of the two
    Checkpoint at =
        finishedAt.isNone()
                || (!lastDispatched.isNone() && lastDispatched.seqno() >= finishedAt.seqno())
            ? lastDispatched
            : finishedAt;
    LOG.info(
        "service {}: the last run's assignment is finished at seqno {}; applying with {} from here",
        settings.service(),
        at.isNone() ? "none" : at.seqno(),
        settings.layout());
    stopChannels();
    closeAppliers(settings.channels());
    target.settle(settings.layout(), at, !settings.layout().equals(layout));
    layout = settings.layout();
    finishThrough = -1;
    inDoubt.clear();
    skipThrough = new long[layout.channels()];
    java.util.Arrays.fill(skipThrough, at.isNone() ? -1 : at.seqno());
    keyRestart = at.isNone() ? -1 : at.seqno();
    openChannels(at);
    start();
  }

  @Override
  public void commit() {
    checkFailure();
    drain(true);
    checkFailure();
  }

  @Override
  public boolean needsCommit() {
    return false; // channels end their own blocks
  }

  /** Channels commit their own blocks; the stage's commit waits for all of them. */
  @Override
  public boolean commitsOnItsOwn() {
    return true;
  }

  /**
   * The source has nothing for now: the key scheduler ends the open run (it commits in its turn);
   * the shard scheduler tells channels that had nothing of late how far the stream got. Does not
   * wait.
   */
  @Override
  public void idle() {
    checkFailure();
    if (!started || fragmentsTo != null) {
      return;
    }
    if (layout.scheduler() == Scheduler.KEY) {
      endBlock();
    } else {
      level();
    }
  }

  /**
   * Shard scheduler: each channel that was given nothing since the last dispatched transaction is
   * sent a position-only event at it, which it commits by itself: its row follows the stream, and a
   * restart does not read far back for a quiet channel. Correct without waiting, because it follows
   * everything the channel was given before.
   */
  private void level() {
    if (lastDispatched.isNone() || !lastDispatched.lastFrag()) {
      return;
    }
    long at = lastDispatched.seqno();
    for (Channel ch : channels) {
      if (ch.sentThrough < at) {
        send(
            ch,
            new Channel.Work(
                Channel.Kind.EVENT,
                new Gap(
                    at,
                    at,
                    lastDispatched.epoch(),
                    lastDispatched.nativePosition(),
                    lastDispatched.sourceCommitMicros(),
                    "nothing for this channel"),
                -1,
                -1,
                token()));
      }
    }
    lastLevel = clock.millis();
  }

  @Override
  public void rollback() {
    abandoning = true;
    stopChannels();
    for (Channel ch : channels) {
      ch.rollback();
    }
    // what failed is the stage's now (it was thrown, or is abandoned with everything else)
    synchronized (monitor) {
      failure = null;
      failedChannel = null;
    }
    loaded = false;
    started = false;
  }

  private void stopChannels() {
    if (!started) {
      return;
    }
    for (Channel ch : channels) {
      ch.requestStop();
    }
    synchronized (monitor) {
      monitor.notifyAll();
    }
    for (Channel ch : channels) {
      join(ch);
    }
    started = false;
  }

  private void join(Channel ch) {
    Thread t = ch.thread();
    if (t == null) {
      return;
    }
    try {
      t.join(TimeUnit.SECONDS.toMillis(5));
      if (t.isAlive()) {
        t.interrupt();
        t.join(TimeUnit.SECONDS.toMillis(2));
      }
      if (t.isAlive()) {
        ch.applier.abort(); // a statement the target has not answered
        t.join(TimeUnit.SECONDS.toMillis(30));
      }
      if (t.isAlive()) {
        // still inside its applier: the next run opens a new one for this channel
        appliers.remove(ch.id);
        LOG.warn("channel {} did not stop; its connection was aborted and is left to it", ch.id);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ch.applier.abort();
    }
  }

  /** Closes the appliers of channels {@code from} and up. */
  private void closeAppliers(int from) {
    appliers
        .entrySet()
        .removeIf(
            e -> {
              if (e.getKey() < from) {
                return false;
              }
              try {
                e.getValue().close();
              } catch (Exception x) {
                LOG.warn("channel {}: closing its applier failed: {}", e.getKey(), x.getMessage());
              }
              return true;
            });
  }

  @Override
  public void abort() {
    abandoning = true;
    for (Channel ch : channels) {
      ch.applier.abort();
    }
  }

  /** Whether a channel belongs to an earlier run (a thread that outlived its stop). */
  private boolean stale(Channel ch) {
    return ch.generation != generation;
  }

  @Override
  public void close() {
    abandoning = true;
    stopChannels();
    closeAppliers(0);
    if (keys != null) {
      keys.close();
      keys = null;
    }
    target.close();
  }

  // ---- called by channels ----

  long schemaGeneration() {
    return schemaGeneration.get();
  }

  void progress() {
    synchronized (monitor) {
      monitor.notifyAll();
    }
  }

  void channelFailed(Channel ch, Throwable t) {
    if (abandoning || stale(ch)) {
      LOG.debug("channel {} stopped: {}", ch.id, t.toString());
      return;
    }
    synchronized (monitor) {
      if (failure == null) {
        failedChannel = ch;
        failure =
            t instanceof RuntimeException r
                ? r
                : new IllegalStateException("channel " + ch.id + " failed: " + t, t);
      }
      monitor.notifyAll();
    }
  }

  /** Waits until block {@code block} may commit: every earlier block has. */
  void awaitTurn(Channel ch, long block) throws InterruptedException {
    synchronized (monitor) {
      while (committedBlocks < block || stale(ch)) {
        stopIfAbandoned(ch);
        monitor.wait(WAIT_SLICE_MILLIS);
      }
    }
  }

  /** Waits until block {@code block} has committed. */
  void awaitCommitted(Channel ch, long block) throws InterruptedException {
    synchronized (monitor) {
      while (committedBlocks <= block || stale(ch)) {
        stopIfAbandoned(ch);
        monitor.wait(WAIT_SLICE_MILLIS);
      }
    }
  }

  void committedBlock(Channel ch, long block) {
    synchronized (monitor) {
      if (stale(ch)) {
        return;
      }
      committedBlocks = Math.max(committedBlocks, block + 1);
      monitor.notifyAll();
    }
  }

  private long committedBlocks() {
    synchronized (monitor) {
      return committedBlocks;
    }
  }

  private void stopIfAbandoned(Channel ch) throws InterruptedException {
    if (abandoning || failure != null || stale(ch)) {
      throw new InterruptedException("the channels are stopping");
    }
  }

  // ---- failures ----

  /** Throws a channel's failure on the stage's thread, once. */
  private void checkFailure() {
    RuntimeException f;
    Channel ch;
    synchronized (monitor) {
      f = failure;
      ch = failedChannel;
    }
    if (f == null) {
      return;
    }
    abandoning = true;
    if (ch != null && f instanceof io.ferry.core.pipeline.Retriable r && r.isRetriable()) {
      ch.retries.incrementAndGet();
      retriesByChannel.merge(ch.id, 1L, Long::sum);
    }
    if (layout.scheduler() == Scheduler.KEY && channels.length > 1 && target.lockConflict(f)) {
      Checkpoint at = lastCommitted();
      throw lockWaits.failed(f, ch, channels, at.isNone() ? -1 : at.seqno(), highestDispatched);
    }
    throw f;
  }

  // ---- status ----

  /** The channel a shard was given, or -1 (shard scheduler). */
  public int channelOfShard(String shard) {
    ShardRouter r = router;
    return r == null ? -1 : r.known(shard);
  }

  public ParallelStatus status() {
    List<ParallelStatus.ChannelStatus> list = new ArrayList<>();
    for (Channel ch : channels) {
      list.add(
          new ParallelStatus.ChannelStatus(
              ch.id,
              ch.state(),
              ch.durable(),
              ch.queue.size(),
              ch.transactions.get(),
              ch.rate(),
              TimeUnit.NANOSECONDS.toMillis(ch.ticketWaitNanos.get()),
              retriesByChannel.getOrDefault(ch.id, 0L),
              ch.openBlock()));
    }
    Map<String, Long> why = new TreeMap<>();
    serialized.forEach((k, v) -> why.put(k, v.sum()));
    Layout l = layout != null ? layout : settings.layout();
    return new ParallelStatus(
        l.scheduler().label(),
        list,
        why,
        new TreeMap<>(lastSerialized),
        lockWaits.count(),
        finishThrough);
  }
}

package io.ferry.core.parallel;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.pipeline.BoundedBuffer;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One apply channel: a thread with its own target applier (its own connection and catalog row) that
 * applies, in order, the work its dispatcher hands it through a bounded queue. Under the shard
 * scheduler it commits by itself (block size and age, or when its queue runs dry); under the key
 * scheduler it commits a block when the dispatcher ends it and its turn comes. A failure is handed
 * to the dispatcher, which stops the others. Its status fields are read by any thread.
 */
final class Channel implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Channel.class);

  /** What a channel is told to do. */
  enum Kind {
    /** Apply an event (after the block {@code waitFor} has committed, if not -1). */
    EVENT,
    /** End block {@code block}: commit it when every earlier block has committed. */
    END_BLOCK,
    /** Commit what is open now. */
    FLUSH
  }

  /** One piece of work; {@code token} orders the dispatcher's waits. */
  record Work(Kind kind, ReplEvent event, long block, long waitFor, long token) {
    long bytes() {
      return event == null ? 64 : event.estimatedBytes();
    }
  }

  final int id;
  final long generation;
  final Applier applier;
  final BoundedBuffer<Work> queue;
  private final ParallelApplier owner;
  private final boolean selfCommit;
  private final Clock clock;
  private Thread thread;
  private volatile boolean stop;

  private volatile long handled = -1;

  /** The highest seqno the dispatcher has given it (written and read by the dispatcher only). */
  long sentThrough = -1;

  private volatile Checkpoint durable;
  private volatile String state = "idle";
  private volatile long openFrom = -1;
  private volatile long openTo = -1;
  private Checkpoint appliedInBlock;
  private final java.util.Set<String> tables = new java.util.LinkedHashSet<>();
  private long schemaSeen;
  private int blockEvents;
  private long blockStart;
  final AtomicLong transactions = new AtomicLong();
  final AtomicLong commits = new AtomicLong();
  final AtomicLong ticketWaitNanos = new AtomicLong();
  final AtomicLong retries = new AtomicLong();
  private volatile long rateStartMillis;
  private volatile long rateStartCount;
  private volatile double rate;

  Channel(
      int id,
      long generation,
      Applier applier,
      BoundedBuffer<Work> queue,
      ParallelApplier owner,
      boolean selfCommit,
      Checkpoint start,
      Clock clock) {
    this.id = id;
    this.generation = generation;
    this.applier = applier;
    this.queue = queue;
    this.owner = owner;
    this.selfCommit = selfCommit;
    this.durable = start;
    this.appliedInBlock = start;
    this.clock = clock;
    this.rateStartMillis = clock.millis();
  }

  void start(String service) {
    thread = new Thread(this, service + "-channel-" + id);
    thread.setDaemon(true);
    thread.start();
  }

  Thread thread() {
    return thread;
  }

  void requestStop() {
    stop = true;
  }

  long handled() {
    return handled;
  }

  Checkpoint durable() {
    return durable;
  }

  String state() {
    return state;
  }

  /** The seqnos of the open (applied, not committed) block, as text, or null. */
  String openBlock() {
    long from = openFrom;
    long to = openTo;
    return from < 0 ? null : from == to ? "seqno " + from : "seqnos " + from + ".." + to;
  }

  /** The last seqno applied and not yet committed, or -1. */
  long openTo() {
    return openFrom < 0 ? -1 : openTo;
  }

  /** The tables the open block changes (the first few), for messages. */
  String openTables() {
    synchronized (tables) {
      return String.join(", ", tables);
    }
  }

  private void noteTables(ReplEvent e) {
    if (!(e instanceof Transaction tx)) {
      return;
    }
    synchronized (tables) {
      if (blockEvents == 0) {
        tables.clear();
      }
      for (io.ferry.core.event.Change c : tx.changes()) {
        if (c instanceof io.ferry.core.event.RowChanges rc && tables.size() < 8) {
          tables.add(rc.schema() + "." + rc.table());
        }
      }
    }
  }

  /** Transactions per second over the last completed window of at least five seconds. */
  double rate() {
    long elapsed = clock.millis() - rateStartMillis;
    if (elapsed >= 1000 && rate == 0) {
      return (transactions.get() - rateStartCount) * 1000.0 / elapsed;
    }
    return rate;
  }

  @Override
  public void run() {
    MDC.put("service", owner.service());
    MDC.put("channel", Integer.toString(id));
    try {
      while (!stop) {
        boolean idleCommit = blockEvents > 0 && selfCommit && appliedInBlock.lastFrag();
        Work w = queue.take(idleCommit ? 1 : 100, TimeUnit.MILLISECONDS);
        if (w == null) {
          if (idleCommit) {
            commit(); // the dispatcher has nothing more for now: make it durable
          }
          continue;
        }
        handle(w);
        handled = w.token();
        owner.progress();
      }
    } catch (Throwable t) {
      state = "failed";
      owner.channelFailed(this, t);
    } finally {
      if (!"failed".equals(state)) {
        state = "stopped";
      }
      MDC.remove("channel");
      MDC.remove("service");
    }
  }

  private void handle(Work w) throws InterruptedException {
    switch (w.kind()) {
      case EVENT -> {
        if (w.waitFor() >= 0) {
          state = "waiting for block " + w.waitFor();
          owner.awaitCommitted(this, w.waitFor());
        }
        state = "applying";
        long generation = owner.schemaGeneration();
        if (generation != schemaSeen && blockEvents == 0) {
          applier.forgetSchema(); // another channel ran a statement that may have changed tables
          schemaSeen = generation;
        }
        ReplEvent e = w.event();
        if (blockEvents == 0) {
          blockStart = clock.millis();
          openFrom = e.seqno();
        }
        MDC.put("seqno", Long.toString(e.seqno()));
        noteTables(e);
        applier.apply(e);
        blockEvents++;
        openTo = e.lastSeqno();
        appliedInBlock = e.checkpoint();
        boolean ends = e.endsTransaction();
        if (e instanceof Transaction && ends) {
          transactions.incrementAndGet();
        }
        if (selfCommit && ends && blockFull()) {
          commit();
        }
        state = "idle";
      }
      case END_BLOCK -> {
        if (blockEvents > 0) {
          state = "flushing";
          applier.flush(); // the work is done (and its locks taken) while earlier blocks commit
        }
        long t0 = System.nanoTime();
        state = "waiting for its turn to commit";
        owner.awaitTurn(this, w.block());
        ticketWaitNanos.addAndGet(System.nanoTime() - t0);
        commit();
        owner.committedBlock(this, w.block());
        state = "idle";
      }
      case FLUSH -> commit();
    }
  }

  private boolean blockFull() {
    return blockEvents >= owner.settings().block().maxEvents()
        || clock.millis() - blockStart >= owner.settings().block().maxLatency().toMillis()
        || applier.needsCommit();
  }

  private void commit() {
    if (blockEvents == 0) {
      return;
    }
    state = "committing";
    applier.commit();
    durable = appliedInBlock;
    blockEvents = 0;
    openFrom = -1;
    openTo = -1;
    commits.incrementAndGet();
    MDC.remove("seqno");
    long now = clock.millis();
    if (now - rateStartMillis >= 5000) {
      long count = transactions.get();
      rate = (count - rateStartCount) * 1000.0 / (now - rateStartMillis);
      rateStartCount = count;
      rateStartMillis = now;
    }
  }

  /**
   * After the thread ended: abandons the open block. Called by the dispatcher once the thread has
   * been joined.
   */
  void rollback() {
    blockEvents = 0;
    openFrom = -1;
    openTo = -1;
    appliedInBlock = durable;
    queue.clear();
    try {
      applier.rollback();
    } catch (RuntimeException e) {
      LOG.debug("channel {}: rollback failed: {}", id, e.getMessage());
    }
  }
}

package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.core.parallel.ChannelPosition;
import io.ferry.core.parallel.ChannelTarget;
import io.ferry.core.parallel.KeyExtractor;
import io.ferry.core.parallel.Layout;
import io.ferry.core.parallel.ParallelApplier;
import io.ferry.core.parallel.ParallelSettings;
import io.ferry.core.parallel.ParallelStatus;
import io.ferry.core.parallel.Scheduler;
import io.ferry.core.parallel.ShardMap;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.Pipeline;
import io.ferry.core.pipeline.RetryPolicy;
import io.ferry.core.pipeline.Stage;
import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.BinlogExtractor;
import io.ferry.mysql.ExtractorSettings;
import io.ferry.mysql.StartPosition;
import io.ferry.mysql.apply.ApplierSettings;
import io.ferry.mysql.apply.MySqlChannels;
import io.ferry.mysql.apply.TargetSettings;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The deadlock ordered commit can make where the database cannot see it: an earlier channel waits
 * for a row lock that a later channel holds while the later one waits for its turn to commit. To
 * force it, the key scheduler is blindfolded to one table's keys (the lock then stands for what key
 * sets cannot show: gap locks, triggers, sessions writing to the target). The lock wait is
 * detected, the transactions are rolled back and run again, and the target equals the source; and a
 * lock that never goes away stops the service after the configured retries, naming the waiting
 * transaction and what was open.
 */
class OrderedCommitDeadlockTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(2);

  /** Parallel apply's target with the keys of one table hidden from the key scheduler. */
  private static final class Blindfolded implements ChannelTarget {
    private final MySqlChannels real;
    private final String hidden;

    Blindfolded(MySqlChannels real, String hidden) {
      this.real = real;
      this.hidden = hidden;
    }

    @Override
    public Applier channel(int channel) {
      return real.channel(channel);
    }

    @Override
    public Map<Integer, ChannelPosition> positions() {
      return real.positions();
    }

    @Override
    public Layout layout() {
      return real.layout();
    }

    @Override
    public void settle(Layout layout, Checkpoint position, boolean forgetShards) {
      real.settle(layout, position, forgetShards);
    }

    @Override
    public Map<String, Integer> shards() {
      return real.shards();
    }

    @Override
    public void rememberShard(String shard, int channel) {
      real.rememberShard(shard, channel);
    }

    @Override
    public boolean lockConflict(Throwable failure) {
      return real.lockConflict(failure);
    }

    @Override
    public KeyExtractor keys() {
      KeyExtractor keys = real.keys();
      return new KeyExtractor() {
        @Override
        public Keys keysOf(Transaction tx, int max) {
          List<io.ferry.core.event.Change> seen =
              tx.changes().stream()
                  .filter(c -> !(c instanceof RowChanges rc && rc.table().equals(hidden)))
                  .toList();
          return keys.keysOf(tx.withChanges(seen), max);
        }

        @Override
        public void forget() {
          keys.forget();
        }

        @Override
        public void close() {
          keys.close();
        }
      };
    }

    @Override
    public void close() {
      real.close();
    }
  }

  private static Pipeline pipeline(
      SandboxServer source, SandboxServer target, BinlogPosition start, int retries) {
    BinlogExtractor binlog =
        new BinlogExtractor(
            SourceSettings.of(
                source.host(),
                source.port(),
                source.replicator().user(),
                source.replicator().password()),
            ExtractorSettings.defaults().withStart(new StartPosition.At(start)),
            Clock.systemUTC());
    MySqlChannels channels =
        new MySqlChannels(
            new TargetSettings(
                target.host(),
                target.port(),
                target.replicator().user(),
                target.replicator().password(),
                null,
                null),
            ApplierSettings.of("dl"),
            1,
            new io.ferry.mysql.apply.CheckTally(),
            Clock.systemUTC());
    ParallelSettings settings =
        new ParallelSettings(
            "dl",
            new Layout(Scheduler.KEY, 4),
            new BlockCommit(3, Duration.ofMillis(200)),
            100,
            16 << 20,
            10_000,
            retries,
            ShardMap.HASH);
    ParallelApplier applier =
        new ParallelApplier(settings, new Blindfolded(channels, "hot"), Clock.systemUTC());
    Stage stage =
        Stage.builder("binlog-to-target")
            .extractor(binlog)
            .applier(applier)
            .blockCommit(new BlockCommit(1_000_000, Duration.ofSeconds(3)))
            .retry(
                new RetryPolicy(
                    Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofMinutes(3)))
            .epoch(1)
            .originService("dl")
            .build();
    return new Pipeline("dl", List.of(stage), List.of(), Clock.systemUTC());
  }

  private static BinlogPosition position(SandboxServer s) throws Exception {
    List<List<String>> rows = Sql.rows(s, "SHOW MASTER STATUS");
    return new BinlogPosition(rows.get(0).get(0), Long.parseLong(rows.get(0).get(1)));
  }

  private static ParallelStatus parallel(Pipeline p) {
    return p.status().get(0).parallel();
  }

  @Test
  void lockWaitsBetweenChannelsAreRolledBackAndRunAgain() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(2);
    BinlogPosition start = position(source);
    Sql.run(
        source,
        "CREATE DATABASE dl",
        "CREATE TABLE dl.hot (id INT PRIMARY KEY, n BIGINT NOT NULL)",
        "INSERT INTO dl.hot VALUES (1, 0)",
        "CREATE TABLE dl.other (id INT PRIMARY KEY, v INT)");
    int transactions = 120;
    try (Connection c = source.connect(source.root(), "");
        Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      for (int i = 0; i < transactions; i++) {
        // rows of its own first, the hot row last: a later channel may reach it first
        for (int k = 0; k < 20; k++) {
          st.execute("INSERT INTO dl.other VALUES (" + (i * 100 + k) + ", " + i + ")");
        }
        st.execute("UPDATE dl.hot SET n = (n * 3 + " + i + ") % 1000000007 WHERE id = 1");
        c.commit();
      }
    }
    Pipeline p = pipeline(source, target, start, 50);
    p.start();
    try {
      String want = Sql.value(source, "SELECT n FROM dl.hot");
      long deadline = System.currentTimeMillis() + 240_000;
      while (true) {
        assertThat(p.failure()).isEmpty();
        String got;
        try {
          got = Sql.value(target, "SELECT n FROM dl.hot");
        } catch (java.sql.SQLException e) {
          got = null; // not created yet
        }
        if (want.equals(got)
            && Sql.value(target, "SELECT COUNT(*) FROM dl.other").equals("" + transactions * 20)) {
          break;
        }
        assertThat(System.currentTimeMillis()).as("caught up").isLessThan(deadline);
        Thread.sleep(200);
      }
      ParallelStatus par = parallel(p);
      System.out.println("ordered-commit deadlocks: " + par);
      assertThat(par.lockWaitRetries()).as("lock waits rolled back and run again").isPositive();
      assertThat(par.serialized()).containsKey("re-run after a lock wait between channels");
    } finally {
      p.stop(Duration.ofSeconds(30));
    }
    assertThat(Checksums.of(target, List.of("dl"))).isEqualTo(Checksums.of(source, List.of("dl")));
  }

  @Test
  void aLockThatNeverGoesAwayStopsTheServiceNamingTheTransactions() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(2);
    Sql.run(
        source,
        "CREATE DATABASE dl",
        "CREATE TABLE dl.hot (id INT PRIMARY KEY, n BIGINT NOT NULL)",
        "INSERT INTO dl.hot VALUES (1, 0)");
    Sql.run(
        target,
        "CREATE DATABASE dl",
        "CREATE TABLE dl.hot (id INT PRIMARY KEY, n BIGINT NOT NULL)",
        "INSERT INTO dl.hot VALUES (1, 0)");
    BinlogPosition start = position(source);
    for (int i = 1; i <= 5; i++) {
      Sql.run(source, "UPDATE dl.hot SET n = " + i + " WHERE id = 1");
    }
    try (Connection holder = target.connect(target.root(), "");
        Statement st = holder.createStatement()) {
      holder.setAutoCommit(false);
      st.executeQuery("SELECT * FROM dl.hot WHERE id = 1 FOR UPDATE").close();
      Pipeline p = pipeline(source, target, start, 1);
      p.start();
      try {
        long deadline = System.currentTimeMillis() + 60_000;
        while (p.failure().isEmpty()) {
          assertThat(System.currentTimeMillis()).as("stopped").isLessThan(deadline);
          Thread.sleep(100);
        }
        String why = p.failure().get().message();
        assertThat(why)
            .contains("channel 0 (seqno 0, tables dl.hot) waited for a row lock 2 times in a row")
            .contains("without progress")
            .contains("Lock wait timeout exceeded")
            .contains("apply.scheduler = shard");
      } finally {
        p.stop(Duration.ofSeconds(10));
        holder.rollback();
      }
    }
  }
}

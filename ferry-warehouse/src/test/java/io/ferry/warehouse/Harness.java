package io.ferry.warehouse;

import io.ferry.core.config.PluginConfig;
import io.ferry.core.config.Setting;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.Fragments;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.Pipeline;
import io.ferry.core.pipeline.PipelineFailure;
import io.ferry.core.pipeline.RetryPolicy;
import io.ferry.core.pipeline.Stage;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.target.TargetKeys;
import io.ferry.mysql.BinlogExtractor;
import io.ferry.mysql.ExtractorSettings;
import io.ferry.mysql.StartPosition;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.sandbox.SandboxServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Test helpers: a real MariaDB source, its binlog read in process, and warehouse targets. */
final class Harness {
  private Harness() {}

  /** A service file's values for tests. */
  static final class Config implements PluginConfig {
    private final String service;
    private final Path dir;
    private final Map<String, Object> values = new HashMap<>();

    Config(String service, Path dir) {
      this.service = service;
      this.dir = dir;
    }

    <T> Config set(Setting<T> s, T value) {
      values.put(s.key(), value);
      return this;
    }

    @Override
    public String service() {
      return service;
    }

    @Override
    public String role() {
      return "direct";
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
      return values.containsKey(setting.key())
          ? (T) values.get(setting.key())
          : setting.defaultValue();
    }

    @Override
    public boolean isSet(Setting<?> setting) {
      return values.containsKey(setting.key());
    }

    @Override
    public Path path(Setting<Path> setting) {
      Path p = get(setting);
      return p == null ? null : dir.resolve(p);
    }

    @Override
    public String where(Setting<?> setting) {
      return "test.properties: " + setting.key();
    }

    @Override
    public Path serviceDir() {
      return dir;
    }
  }

  static Config duckdb(String service, Path dir) {
    return new Config(service, dir).set(WarehouseSettings.PATH, dir.resolve("store.duckdb"));
  }

  static Config postgresql(String service, Path dir, SandboxServer pg) {
    return new Config(service, dir)
        .set(WarehouseSettings.DIALECT, "postgresql")
        .set(TargetKeys.HOST, pg.host())
        .set(TargetKeys.PORT, pg.port())
        .set(TargetKeys.USER, pg.root().user())
        .set(TargetKeys.PASSWORD, pg.root().password())
        .set(TargetKeys.DATABASE, pg.defaultDatabase());
  }

  static WarehouseTarget open(Config c) {
    return (WarehouseTarget) new WarehouseTargetType().open(c, Clock.systemUTC());
  }

  static SourceSettings source(SandboxServer server) {
    return SourceSettings.of(
        server.host(), server.port(), server.replicator().user(), server.replicator().password());
  }

  static BinlogPosition head(SandboxServer server) {
    return SourceProbe.probe(source(server)).head();
  }

  static void sql(SandboxServer server, String... statements) throws SQLException {
    try (Connection c = server.connect(server.root(), "");
        Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  /**
   * The transactions from {@code start} up to the one that writes {@code marker.done}, whole, with
   * seqnos from {@code firstSeqno}.
   */
  static List<Transaction> read(SandboxServer server, BinlogPosition start, long firstSeqno)
      throws InterruptedException {
    List<Transaction> result = new ArrayList<>();
    try (BinlogExtractor x =
        new BinlogExtractor(
            source(server),
            ExtractorSettings.defaults().withStart(new StartPosition.At(start)),
            Clock.systemUTC())) {
      x.seek(Checkpoint.NONE);
      List<Transaction> fragments = new ArrayList<>();
      while (true) {
        ReplEvent e = x.next(20, TimeUnit.SECONDS);
        if (e == null) {
          throw new AssertionError("no transaction within 20 s; got " + result.size());
        }
        Transaction t = (Transaction) e;
        fragments.add(t);
        if (t.lastFrag()) {
          Transaction whole = Fragments.join(fragments);
          fragments.clear();
          long seqno = firstSeqno + result.size();
          whole = whole.withHeader(whole.header().withSeqno(seqno, 1));
          result.add(whole);
          if (isMarker(whole)) {
            return result;
          }
        }
      }
    }
  }

  private static boolean isMarker(Transaction t) {
    return t.changes().stream()
        .anyMatch(
            c ->
                c instanceof RowChanges rc
                    && rc.schema().equals("marker")
                    && rc.table().equals("done"));
  }

  /** Writes the marker that ends {@link #read}. */
  static void marker(SandboxServer server) throws SQLException {
    sql(
        server,
        "CREATE DATABASE IF NOT EXISTS marker",
        "CREATE TABLE IF NOT EXISTS marker.done (id INT PRIMARY KEY AUTO_INCREMENT)",
        "INSERT INTO marker.done VALUES (NULL)");
  }

  /** Applies transactions in one block and commits it. */
  static void applyAll(Applier a, List<Transaction> txs) {
    a.lastCommitted();
    for (Transaction t : txs) {
      a.apply(t);
    }
    a.commit();
  }

  /** A direct pipeline from the source's binlog into the target, in process. */
  static Pipeline pipeline(
      SandboxServer source, WarehouseTarget target, String service, BinlogPosition start) {
    Stage stage =
        Stage.builder("binlog-to-target")
            .extractor(
                new BinlogExtractor(
                    source(source),
                    ExtractorSettings.defaults()
                        .withStart(new StartPosition.At(start))
                        .withHeartbeatSchema("ferry_" + service),
                    Clock.systemUTC()))
            .applier(target.applier())
            .blockCommit(target.blockCommit(BlockCommit.DEFAULT))
            .retry(RetryPolicy.DEFAULT)
            .originService(service)
            .epoch(1)
            .build();
    Pipeline p = new Pipeline(service, List.of(stage), List.of(), Clock.systemUTC());
    p.start();
    return p;
  }

  /** Waits until the pipeline has committed what the source wrote up to now (a marker row). */
  static void sync(Pipeline p, SandboxServer source, WarehouseTarget target) throws Exception {
    marker(source);
    long want;
    try (Connection c = source.connect(source.root(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT MAX(id) FROM marker.done")) {
      rs.next();
      want = rs.getLong(1);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<PipelineFailure> f = p.failure();
      if (f.isPresent()) {
        throw new AssertionError("the pipeline failed: " + f.get().message(), f.get().cause());
      }
      try (Connection c = target.dialect().connect();
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT MAX(id) FROM \"marker\".\"done\"")) {
        if (rs.next() && rs.getLong(1) >= want) {
          return;
        }
      } catch (SQLException e) {
        // not there yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the warehouse did not catch up within 90 s");
  }

  /** Rows of a query as strings (NULL as null), in the query's order. */
  static List<List<String>> rows(Connection c, String sql) throws SQLException {
    List<List<String>> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(rs.getString(i));
        }
        out.add(row);
      }
    }
    return out;
  }
}

package io.ferry.postgresql;

import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.pipeline.Pipeline;
import io.ferry.core.pipeline.PipelineFailure;
import io.ferry.core.pipeline.RetryPolicy;
import io.ferry.core.pipeline.Stage;
import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.BinlogExtractor;
import io.ferry.mysql.ExtractorSettings;
import io.ferry.mysql.StartPosition;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.sandbox.SandboxServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Test helper: a direct pipeline (a sandboxed MariaDB's binlog → PostgreSQL) in process, as a
 * direct service builds it.
 */
final class PgDirect implements AutoCloseable {
  final Pipeline pipeline;
  final PgApplier applier;

  private PgDirect(Pipeline pipeline, PgApplier applier) {
    this.pipeline = pipeline;
    this.applier = applier;
  }

  static SourceSettings source(SandboxServer s) {
    return SourceSettings.of(s.host(), s.port(), s.replicator().user(), s.replicator().password());
  }

  static PgTargetSettings target(SandboxServer pg, String service) {
    return PgTargetSettings.of(
        service, pg.host(), pg.port(), pg.defaultDatabase(), pg.app().user(), pg.app().password());
  }

  static BinlogPosition head(SandboxServer source) {
    return SourceProbe.probe(source(source)).head();
  }

  static PgDirect start(
      SandboxServer source,
      PgTargetSettings target,
      BinlogPosition start,
      BlockCommit block,
      RetryPolicy retry) {
    return start(source, target, ExtractorSettings.defaults(), List.of(), start, block, retry);
  }

  /**
   * A direct pipeline with these extractor settings (a small fragment size hands large transactions
   * to the applier in fragments, unjoined) and filters between extraction and apply.
   */
  static PgDirect start(
      SandboxServer source,
      PgTargetSettings target,
      ExtractorSettings extraction,
      List<Filter> filters,
      BinlogPosition start,
      BlockCommit block,
      RetryPolicy retry) {
    PgApplier applier = new PgApplier(target, Clock.systemUTC());
    BinlogExtractor extractor =
        new BinlogExtractor(
            source(source), extraction.withStart(new StartPosition.At(start)), Clock.systemUTC());
    Stage.Builder builder = Stage.builder("binlog-to-postgresql").extractor(extractor);
    for (Filter f : filters) {
      builder.filter(f);
    }
    Stage stage =
        builder
            .applier(applier)
            .blockCommit(block)
            .retry(retry)
            .originService(target.service())
            .build();
    Pipeline p = new Pipeline(target.service(), List.of(stage), List.of(), Clock.systemUTC());
    p.start();
    return new PgDirect(p, applier);
  }

  /** Runs statements on the source as root, in one session. */
  static void sql(SandboxServer source, String... statements) throws SQLException {
    try (Connection c = source.connect(source.root(), "");
        Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  /** Creates the marker table on the source (the service brings it to PostgreSQL). */
  static void prepareSync(SandboxServer source) throws SQLException {
    sql(
        source,
        "CREATE DATABASE IF NOT EXISTS test_sync_marks",
        "CREATE TABLE IF NOT EXISTS test_sync_marks.mark (id INT PRIMARY KEY, token VARCHAR(64))");
  }

  /**
   * Writes a marker row on the source and waits until PostgreSQL has it: everything written before
   * is then applied. Fails with the pipeline's failure if it stops.
   */
  void sync(SandboxServer source, SandboxServer pg, Duration timeout) throws Exception {
    String token = UUID.randomUUID().toString();
    sql(source, "REPLACE INTO test_sync_marks.mark VALUES (1, '" + token + "')");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<PipelineFailure> f = pipeline.failure();
      if (f.isPresent()) {
        throw new AssertionError("the pipeline failed: " + f.get().message(), f.get().cause());
      }
      try (Connection c = pg.connect();
          PreparedStatement ps =
              c.prepareStatement("SELECT token FROM test_sync_marks.mark WHERE id = 1");
          ResultSet rs = ps.executeQuery()) {
        if (rs.next() && token.equals(rs.getString(1))) {
          return;
        }
      } catch (SQLException e) {
        // not there yet (or the server is restarting)
      }
      Thread.sleep(50);
    }
    throw new AssertionError("PostgreSQL did not catch up within " + timeout);
  }

  /** Waits until the pipeline fails (at most a minute), and returns why. */
  PipelineFailure awaitFailure() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<PipelineFailure> f = pipeline.failure();
      if (f.isPresent()) {
        return f.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the pipeline did not fail within a minute");
  }

  @Override
  public void close() {
    pipeline.close();
  }
}

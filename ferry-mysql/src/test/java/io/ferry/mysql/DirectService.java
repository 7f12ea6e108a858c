package io.ferry.mysql;

import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.pipeline.Pipeline;
import io.ferry.core.pipeline.PipelineFailure;
import io.ferry.core.pipeline.RetryPolicy;
import io.ferry.core.pipeline.Stage;
import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.apply.ApplierSettings;
import io.ferry.mysql.apply.MySqlApplier;
import io.ferry.mysql.apply.TargetSettings;
import io.ferry.sandbox.SandboxServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Test helper: a direct pipeline (binlog → target) between two sandboxed servers, in process. */
final class DirectService implements AutoCloseable {
  final Pipeline pipeline;
  final MySqlApplier applier;

  private DirectService(Pipeline pipeline, MySqlApplier applier) {
    this.pipeline = pipeline;
    this.applier = applier;
  }

  static TargetSettings target(SandboxServer s) {
    return TargetSettings.of(s.host(), s.port(), s.root().user(), s.root().password());
  }

  static DirectService start(
      SandboxServer source,
      SandboxServer target,
      String service,
      BinlogPosition start,
      BlockCommit block,
      RetryPolicy retry,
      Filter... filters) {
    return start(
        source,
        target,
        ApplierSettings.of(service),
        ExtractorSettings.defaults(),
        start,
        block,
        retry,
        filters);
  }

  static DirectService start(
      SandboxServer source,
      SandboxServer target,
      ApplierSettings settings,
      ExtractorSettings extractorSettings,
      BinlogPosition start,
      BlockCommit block,
      RetryPolicy retry,
      Filter... filters) {
    String service = settings.service();
    MySqlApplier applier = new MySqlApplier(target(target), settings, Clock.systemUTC());
    BinlogExtractor extractor =
        new BinlogExtractor(
            Extraction.source(source),
            extractorSettings.withStart(new StartPosition.At(start)),
            Clock.systemUTC());
    Stage.Builder stage =
        Stage.builder("binlog-to-target")
            .extractor(extractor)
            .applier(applier)
            .blockCommit(block)
            .retry(retry)
            .originService(service);
    for (Filter f : filters) {
      stage.filter(f);
    }
    Pipeline p = new Pipeline(service, List.of(stage.build()), List.of(), Clock.systemUTC());
    p.start();
    return new DirectService(p, applier);
  }

  static DirectService start(
      SandboxServer source, SandboxServer target, String service, BinlogPosition start) {
    return start(source, target, service, start, BlockCommit.DEFAULT, RetryPolicy.DEFAULT);
  }

  /**
   * Prepares both servers for {@link #sync} with a marker row they share, so that a service that
   * starts after this point finds the row it updates.
   */
  static void prepareSync(SandboxServer source, SandboxServer target) throws Exception {
    for (SandboxServer s : List.of(source, target)) {
      Extraction.sql(
          s,
          "CREATE DATABASE IF NOT EXISTS ferry_test_sync",
          "CREATE TABLE IF NOT EXISTS ferry_test_sync.mark (id INT PRIMARY KEY, token VARCHAR(64))",
          "REPLACE INTO ferry_test_sync.mark VALUES (1, 'before')");
    }
  }

  /**
   * Runs a script on the source in one session, applies it through a direct service of its own
   * (started where the script starts), and waits until the target has it all.
   */
  static void replicate(
      SandboxServer source, SandboxServer target, ApplierSettings settings, String... script)
      throws Exception {
    prepareSync(source, target);
    BinlogPosition start = Extraction.head(source);
    Extraction.sql(source, script);
    try (DirectService direct =
        start(
            source,
            target,
            settings,
            ExtractorSettings.defaults(),
            start,
            BlockCommit.DEFAULT,
            RetryPolicy.DEFAULT)) {
      direct.sync(source, target, Duration.ofSeconds(60));
    }
  }

  /**
   * Writes a marker row on the source and waits until the target has it: everything written before
   * is then applied. Fails with the pipeline's failure if it stops.
   */
  void sync(SandboxServer source, SandboxServer target, Duration timeout) throws Exception {
    String token = UUID.randomUUID().toString();
    try (Connection c = source.connect(source.root(), "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE IF NOT EXISTS ferry_test_sync");
      st.execute(
          "CREATE TABLE IF NOT EXISTS ferry_test_sync.mark (id INT PRIMARY KEY, token"
              + " VARCHAR(64))");
      st.execute("REPLACE INTO ferry_test_sync.mark VALUES (1, '" + token + "')");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Connection c = target.connect(target.root(), "")) {
      while (System.nanoTime() < deadline) {
        Optional<PipelineFailure> f = pipeline.failure();
        if (f.isPresent()) {
          throw new AssertionError("the pipeline failed: " + f.get().message(), f.get().cause());
        }
        try (PreparedStatement ps =
            c.prepareStatement("SELECT token FROM ferry_test_sync.mark WHERE id = 1")) {
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next() && token.equals(rs.getString(1))) {
              return;
            }
          }
        } catch (java.sql.SQLException e) {
          // not created yet on the target
        }
        Thread.sleep(50);
      }
    }
    throw new AssertionError("the target did not catch up within " + timeout);
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

  /** Waits until the stage has committed a seqno (without writing anything to the source). */
  void awaitSeqno(long seqno, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<PipelineFailure> f = pipeline.failure();
      if (f.isPresent()) {
        throw new AssertionError("the pipeline failed: " + f.get().message(), f.get().cause());
      }
      if (pipeline.status().get(0).committed().seqno() >= seqno) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("seqno " + seqno + " was not applied within " + timeout);
  }

  @Override
  public void close() {
    pipeline.close();
  }
}

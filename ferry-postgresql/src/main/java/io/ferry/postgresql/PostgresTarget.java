package io.ferry.postgresql;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.target.Target;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One service's PostgreSQL target: its applier, and the catalog operations on a connection of their
 * own. {@link #stats()} is safe from any thread (it reads the last applier's snapshot).
 */
final class PostgresTarget implements Target {
  private final PgTargetSettings settings;
  private final Clock clock;
  private volatile PgApplier last;

  PostgresTarget(PgTargetSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public String describe() {
    return "postgresql " + settings.address();
  }

  @Override
  public Applier applier() {
    PgApplier a = new PgApplier(settings, clock);
    last = a;
    return a;
  }

  @Override
  public void initializePosition(Checkpoint position) {
    try (PgApplier a = new PgApplier(settings, clock)) {
      a.initializePosition(position);
    }
  }

  @Override
  public void dropCatalog() {
    try (PgApplier a = new PgApplier(settings, clock)) {
      a.dropCatalog();
    }
  }

  @Override
  public Map<String, Map<String, Object>> stats() {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    PgApplier a = last;
    if (a != null) {
      PgApplier.Stats s = a.stats();
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("transactions", s.transactions());
      x.put("rows", s.rows());
      x.put("ddl", s.ddl());
      x.put("ddlIgnored", s.ddlIgnored());
      x.put("tablesWithoutKey", s.keylessTables());
      out.put("applier", x);
    }
    return out;
  }
}

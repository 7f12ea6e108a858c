package io.ferry.mysql.target;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.filter.SchemaView;
import io.ferry.core.parallel.ChannelTarget;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.target.Target;
import io.ferry.mysql.apply.ApplierSettings;
import io.ferry.mysql.apply.CatalogReads;
import io.ferry.mysql.apply.CheckTally;
import io.ferry.mysql.apply.ConflictLog;
import io.ferry.mysql.apply.ConflictPolicy;
import io.ferry.mysql.apply.MySqlApplier;
import io.ferry.mysql.apply.MySqlChannels;
import io.ferry.mysql.apply.TargetIds;
import io.ferry.mysql.apply.TargetSettings;
import io.ferry.mysql.schema.JdbcSchemaView;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongSupplier;

/**
 * A MariaDB/MySQL target: {@link MySqlApplier}s (or {@link MySqlChannels} for parallel apply) and
 * the catalog {@code ferry_<service>} in the target server. Status methods are safe from any
 * thread.
 */
final class MySqlTarget implements Target {
  private final TargetSettings target;
  private final ApplierSettings settings;
  private final ConflictPolicy conflicts;
  private final Clock clock;
  private volatile MySqlApplier last;
  private final CheckTally checks = new CheckTally();

  MySqlTarget(
      TargetSettings target, ApplierSettings settings, ConflictPolicy conflicts, Clock clock) {
    this.target = target;
    this.settings = settings;
    this.conflicts = conflicts;
    this.clock = clock;
  }

  @Override
  public String describe() {
    return "mysql " + target.address();
  }

  @Override
  public Applier applier() {
    MySqlApplier a = new MySqlApplier(target, settings, clock).countChecksIn(checks);
    last = a;
    return a;
  }

  @Override
  public ChannelTarget channels(int lockWaitSeconds) {
    return new MySqlChannels(target, settings, lockWaitSeconds, checks, clock);
  }

  @Override
  public void initializePosition(Checkpoint position) {
    new MySqlApplier(target, catalogSettings(), clock).initializePosition(position);
  }

  @Override
  public void dropCatalog() {
    new MySqlApplier(target, catalogSettings(), clock).dropCatalog();
  }

  /**
   * The service's settings for catalog work outside a pipeline: its binlog logging as configured
   * (an account allowed to log may be refused sql_log_bin = 0), without conflict handling.
   */
  private ApplierSettings catalogSettings() {
    return settings.withConflicts(ConflictPolicy.NONE);
  }

  @Override
  public Map<String, Map<String, Object>> stats() {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    MySqlApplier a = last;
    if (a != null) {
      MySqlApplier.Stats s = a.stats();
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("transactions", s.transactions());
      x.put("rows", s.rows());
      x.put("statements", s.statements());
      x.put("tablesWithoutKey", s.keylessTables());
      x.put("triggers", s.triggers());
      out.put("applier", x);
    }
    if (!checks.counts().isEmpty()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("chunks", checks.counts());
      x.put("rows", checks.rows());
      out.put("checks", x);
    }
    if (conflicts.enabled()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("total", conflicts.tally().total());
      List<Object> by = new ArrayList<>();
      conflicts
          .tally()
          .counts()
          .forEach(
              (k, n) -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("table", k.table());
                e.put("type", k.type());
                e.put("resolution", k.resolution());
                e.put("count", n);
                by.add(e);
              });
      x.put("byTable", by);
      x.put("realigned", conflicts.tally().realigned());
      out.put("conflicts", x);
    }
    return out;
  }

  @Override
  public List<Map<String, Object>> conflicts(String table, Instant since, int limit) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ConflictLog.Entry e :
        CatalogReads.conflicts(target, catalogSettings().catalogSchema(), table, since, limit)) {
      out.add(e.toMap());
    }
    return out;
  }

  @Override
  public boolean consistencyChecks() {
    return true;
  }

  @Override
  public Map<String, Object> checks(String checkId, int runs) {
    return CatalogReads.checks(target, catalogSettings().catalogSchema(), checkId, runs);
  }

  @Override
  public LongSupplier localServerId() {
    return TargetIds.serverIdOf(target);
  }

  @Override
  public SchemaView schemaView() {
    return new JdbcSchemaView("target " + target.address(), this::connect);
  }

  private Connection connect() {
    Properties props = new Properties();
    props.setProperty("user", target.user());
    props.setProperty("password", target.password());
    try {
      return target.tls().connect(target.jdbcUrl(), props);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot connect to the target "
              + target.address()
              + " as "
              + target.user()
              + ": "
              + e.getMessage(),
          e);
    }
  }
}

package io.ferry.mysql.target;

import io.ferry.core.config.PluginConfig;
import io.ferry.core.config.Setting;
import io.ferry.core.target.Target;
import io.ferry.core.target.TargetException;
import io.ferry.core.target.TargetKeys;
import io.ferry.core.target.TargetType;
import io.ferry.mysql.DbTls;
import io.ferry.mysql.apply.ApplierSettings;
import io.ferry.mysql.apply.ConflictPolicy;
import io.ferry.mysql.apply.TargetSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * target.type = mysql: MariaDB and MySQL servers, with block commit, parallel apply, origin tagging
 * and conflict handling (docs/applier.md, docs/multi-master.md). Stateless.
 */
public final class MySqlTargetType implements TargetType {
  public static final String NAME = "mysql";
  static final int DEFAULT_PORT = 3306;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "MariaDB or MySQL: transactional apply with block commit, parallel channels, origin"
        + " tagging and conflict handling; the catalog is the schema ferry_<service>.";
  }

  @Override
  public List<Setting<?>> settings() {
    return MySqlTargetSettings.all();
  }

  @Override
  public List<Setting<?>> sharedSettings() {
    return List.of(
        TargetKeys.HOST,
        TargetKeys.PORT,
        TargetKeys.USER,
        TargetKeys.PASSWORD,
        TargetKeys.TLS,
        TargetKeys.TLS_CA,
        TargetKeys.TLS_KEYSTORE,
        TargetKeys.TLS_KEYSTORE_PASSWORD);
  }

  @Override
  public boolean parallel() {
    return true;
  }

  @Override
  public List<String> check(PluginConfig c) {
    List<String> problems = new ArrayList<>();
    for (Setting<String> s : List.of(TargetKeys.HOST, TargetKeys.USER)) {
      try {
        TargetKeys.require(c, s, NAME);
      } catch (TargetException e) {
        problems.add(e.getMessage());
      }
    }
    ConflictConfig.policy(c, problems);
    return problems;
  }

  @Override
  public Target open(PluginConfig c, Clock clock) {
    List<String> problems = check(c);
    if (!problems.isEmpty()) {
      throw new TargetException(String.join("; ", problems));
    }
    ConflictPolicy conflicts = ConflictConfig.policy(c);
    return new MySqlTarget(targetSettings(c), applierSettings(c, conflicts), conflicts, clock);
  }

  /** How to reach the target a service's file names. */
  public static TargetSettings targetSettings(PluginConfig c) {
    return new TargetSettings(
        TargetKeys.require(c, TargetKeys.HOST, NAME),
        TargetKeys.port(c, DEFAULT_PORT),
        TargetKeys.require(c, TargetKeys.USER, NAME),
        c.get(TargetKeys.PASSWORD),
        null,
        new DbTls(
            DbTls.Mode.parse(c.get(TargetKeys.TLS)),
            c.path(TargetKeys.TLS_CA),
            c.path(TargetKeys.TLS_KEYSTORE),
            c.get(TargetKeys.TLS_KEYSTORE_PASSWORD)));
  }

  private static ApplierSettings applierSettings(PluginConfig c, ConflictPolicy conflicts) {
    return ApplierSettings.of(c.service())
        .withLogToBinlog(c.get(MySqlTargetSettings.TARGET_LOG_TO_BINLOG))
        .withLogOrigin(c.get(MySqlTargetSettings.TARGET_LOG_ORIGIN))
        .withTriggersFire("fire".equals(c.get(MySqlTargetSettings.TARGET_TRIGGERS)))
        .withConflicts(conflicts);
  }
}

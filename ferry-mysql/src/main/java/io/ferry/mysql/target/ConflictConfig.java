package io.ferry.mysql.target;

import io.ferry.core.config.PluginConfig;
import io.ferry.core.target.TargetException;
import io.ferry.mysql.apply.ConflictPolicy;
import io.ferry.mysql.apply.ConflictTally;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a service's conflict detection and resolution settings, and checks the multi-master
 * settings against the others. Stateless.
 */
public final class ConflictConfig {
  private ConflictConfig() {}

  /** A service's policy (with a new tally); its problems as one {@link TargetException}. */
  public static ConflictPolicy policy(PluginConfig c) {
    List<String> problems = new ArrayList<>();
    ConflictPolicy p = policy(c, problems);
    if (p == null) {
      throw new TargetException(String.join("; ", problems));
    }
    return p;
  }

  /** The policy (with a new tally), or null with the problems (file, line, key) added. */
  static ConflictPolicy policy(PluginConfig c, List<String> problems) {
    int before = problems.size();
    ConflictPolicy.Resolution resolution =
        ConflictPolicy.resolution(
            c.get(MySqlTargetSettings.APPLY_CONFLICTS_RESOLVE),
            c.where(MySqlTargetSettings.APPLY_CONFLICTS_RESOLVE),
            problems);
    if (resolution == null) {
      resolution = ConflictPolicy.Resolution.STOP;
    }
    ConflictPolicy.Rule def =
        ConflictPolicy.parseRule(
            c.get(MySqlTargetSettings.APPLY_CONFLICTS),
            resolution,
            c.where(MySqlTargetSettings.APPLY_CONFLICTS),
            problems);
    List<ConflictPolicy.TableRule> tables =
        ConflictPolicy.parseTables(
            c.get(MySqlTargetSettings.APPLY_CONFLICTS_TABLES),
            resolution,
            c.where(MySqlTargetSettings.APPLY_CONFLICTS_TABLES),
            problems);
    List<String> priority =
        Arrays.stream(c.get(MySqlTargetSettings.APPLY_CONFLICTS_PRIORITY).split(","))
            .map(String::strip)
            .filter(x -> !x.isEmpty())
            .toList();
    String site = c.get(MySqlTargetSettings.APPLY_CONFLICTS_SITE).strip();
    ConflictPolicy policy =
        new ConflictPolicy(
            def == null ? ConflictPolicy.Rule.NONE : def,
            tables,
            priority,
            site.isEmpty() ? null : site,
            c.get(MySqlTargetSettings.APPLY_CONFLICTS_REALIGN),
            new ConflictTally());
    boolean defaultPriority =
        policy.defaultRule().resolution() == ConflictPolicy.Resolution.PRIORITY
            && policy.defaultRule().detects();
    boolean usesPriority =
        defaultPriority
            || tables.stream()
                .anyMatch(t -> t.rule().resolution() == ConflictPolicy.Resolution.PRIORITY);
    if (usesPriority && (priority.isEmpty() || site.isEmpty())) {
      problems.add(
          c.where(MySqlTargetSettings.APPLY_CONFLICTS)
              + ": resolution priority needs apply.conflicts.priority (the origins, first wins)"
              + " and apply.conflicts.site (the origin this service's target is)");
    } else if (usesPriority && !priority.contains(site)) {
      problems.add(
          c.where(MySqlTargetSettings.APPLY_CONFLICTS_PRIORITY)
              + ": the list does not name this site ("
              + site
              + ", apply.conflicts.site): add it where it ranks");
    }
    boolean usesNewer =
        (policy.defaultRule().resolution() == ConflictPolicy.Resolution.NEWER
                && policy.defaultRule().detects())
            || tables.stream()
                .anyMatch(t -> t.rule().resolution() == ConflictPolicy.Resolution.NEWER);
    if (usesNewer && site.isEmpty()) {
      problems.add(
          c.where(MySqlTargetSettings.APPLY_CONFLICTS)
              + ": resolution newer needs apply.conflicts.site (the origin this service's target"
              + " is), so that equal versions are broken the same way on every site (with"
              + " apply.conflicts.priority, else by origin name)");
    }
    return problems.size() > before ? null : policy;
  }
}

package io.ferry.server.config;

import io.ferry.mysql.apply.ConflictPolicy;
import io.ferry.mysql.apply.ConflictTally;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Reads a service's conflict detection and resolution settings, and checks the multi-master
 * settings against the others. Stateless.
 */
final class ConflictConfig {
  private ConflictConfig() {}

  /** The policy (with a new tally); every problem, with file and line, as a ConfigException. */
  static ConflictPolicy policy(ServiceConfig c, ToIntFunction<String> lineOf) {
    List<String> problems = new ArrayList<>();
    ConflictPolicy.Resolution resolution =
        ConflictPolicy.resolution(
            c.get(MultiMasterSettings.APPLY_CONFLICTS_RESOLVE),
            where(c, lineOf, MultiMasterSettings.APPLY_CONFLICTS_RESOLVE.key()),
            problems);
    if (resolution == null) {
      resolution = ConflictPolicy.Resolution.STOP;
    }
    ConflictPolicy.Rule def =
        ConflictPolicy.parseRule(
            c.get(MultiMasterSettings.APPLY_CONFLICTS),
            resolution,
            where(c, lineOf, MultiMasterSettings.APPLY_CONFLICTS.key()),
            problems);
    List<ConflictPolicy.TableRule> tables =
        ConflictPolicy.parseTables(
            c.get(MultiMasterSettings.APPLY_CONFLICTS_TABLES),
            resolution,
            where(c, lineOf, MultiMasterSettings.APPLY_CONFLICTS_TABLES.key()),
            problems);
    List<String> priority =
        Arrays.stream(c.get(MultiMasterSettings.APPLY_CONFLICTS_PRIORITY).split(","))
            .map(String::strip)
            .filter(x -> !x.isEmpty())
            .toList();
    String site = c.get(MultiMasterSettings.APPLY_CONFLICTS_SITE).strip();
    ConflictPolicy policy =
        new ConflictPolicy(
            def == null ? ConflictPolicy.Rule.NONE : def,
            tables,
            priority,
            site.isEmpty() ? null : site,
            c.get(MultiMasterSettings.APPLY_CONFLICTS_REALIGN),
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
          c.file()
              + ": resolution priority needs apply.conflicts.priority (the origins, first wins)"
              + " and apply.conflicts.site (the origin this service's target is)");
    } else if (usesPriority && !priority.contains(site)) {
      problems.add(
          where(c, lineOf, MultiMasterSettings.APPLY_CONFLICTS_PRIORITY.key())
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
          c.file()
              + ": resolution newer needs apply.conflicts.site (the origin this service's target"
              + " is), so that equal versions are broken the same way on every site (with"
              + " apply.conflicts.priority, else by origin name)");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return policy;
  }

  private static String where(ServiceConfig c, ToIntFunction<String> lineOf, String key) {
    int line = lineOf.applyAsInt(key);
    return c.file() + (line > 0 ? ":" + line : "") + ": " + key;
  }
}

package io.ferry.filters;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/** {@code origin}: whole transactions by where they come from, for multi-master topologies. */
public final class OriginFilterFactory implements FilterFactory {
  public static final String TYPE = "origin";

  public static final Setting<String> DROP_ORIGINS =
      RoutingConfig.setting(
          "drop-origins",
          SettingType.STRING,
          "",
          false,
          "Drop transactions that entered replication at these Ferry services: comma-separated"
              + " service names, * and ? as wildcards.");

  public static final Setting<String> KEEP_ORIGINS =
      RoutingConfig.setting(
          "keep-origins",
          SettingType.STRING,
          "",
          false,
          "Keep only transactions that entered replication at these Ferry services (patterns"
              + " like drop-origins'). Not with drop-origins.");

  public static final Setting<String> DROP_SERVER_IDS =
      RoutingConfig.setting(
          "drop-server-ids",
          SettingType.STRING,
          "",
          false,
          "Drop transactions that these source servers wrote: comma-separated source ids (a"
              + " MariaDB/MySQL server_id, as the transaction header's source id says).");

  public static final Setting<String> KEEP_SERVER_IDS =
      RoutingConfig.setting(
          "keep-server-ids",
          SettingType.STRING,
          "",
          false,
          "Keep only transactions that these source servers wrote. Not with drop-server-ids.");

  public static final Setting<String> DROP_DOMAINS =
      RoutingConfig.setting(
          "drop-domains",
          SettingType.STRING,
          "",
          false,
          "Drop transactions of these MariaDB GTID domains: comma-separated domain ids, read from"
              + " the GTID of the transaction's native position. A transaction whose domain"
              + " cannot be told (no MariaDB GTID) is not dropped by domain rules.");

  public static final Setting<String> KEEP_DOMAINS =
      RoutingConfig.setting(
          "keep-domains",
          SettingType.STRING,
          "",
          false,
          "Keep only transactions of these MariaDB GTID domains (a transaction whose domain"
              + " cannot be told is kept). Not with drop-domains.");

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String summary() {
    return "Drops whole transactions by origin service, source server id or MariaDB GTID"
        + " domain (multi-master loops).";
  }

  private static final List<Setting<String>> ALL =
      List.of(
          DROP_ORIGINS, KEEP_ORIGINS, DROP_SERVER_IDS, KEEP_SERVER_IDS, DROP_DOMAINS, KEEP_DOMAINS);

  @Override
  public List<Setting<?>> settings() {
    return List.copyOf(ALL);
  }

  @Override
  public Filter create(FilterSettings settings) {
    List<String> set = new ArrayList<>();
    for (Setting<String> s : ALL) {
      if (RoutingConfig.given(settings, s)) {
        set.add(s.key());
      }
    }
    for (String kind : List.of("origins", "server-ids", "domains")) {
      if (set.contains("drop-" + kind) && set.contains("keep-" + kind)) {
        throw new IllegalArgumentException(
            settings
                + ": "
                + settings.key("drop-" + kind)
                + " and "
                + settings.key("keep-" + kind)
                + " are both set; use one of them (keep- keeps only what it lists, drop- drops"
                + " what it lists)");
      }
    }
    if (set.isEmpty()) {
      throw new IllegalArgumentException(
          settings
              + ": set at least one of "
              + String.join(", ", ALL.stream().map(s -> settings.key(s.key())).toList())
              + "; without them the filter passes everything");
    }
    Rule<String> origins = null;
    Setting<String> originKey = set.contains("drop-origins") ? DROP_ORIGINS : KEEP_ORIGINS;
    if (RoutingConfig.given(settings, originKey)) {
      List<NamePattern> patterns =
          RoutingConfig.patterns(settings, originKey, 1, "service names (* and ? as wildcards)");
      origins =
          new Rule<>(
              originKey.equals(DROP_ORIGINS),
              service -> patterns.stream().anyMatch(p -> p.matchesSchema(service)));
    }
    Rule<String> servers = null;
    Setting<String> serverKey = set.contains("drop-server-ids") ? DROP_SERVER_IDS : KEEP_SERVER_IDS;
    if (RoutingConfig.given(settings, serverKey)) {
      Set<String> ids = Set.copyOf(RoutingConfig.words(settings, serverKey));
      servers = new Rule<>(serverKey.equals(DROP_SERVER_IDS), ids::contains);
    }
    Rule<Long> domains = null;
    Setting<String> domainKey = set.contains("drop-domains") ? DROP_DOMAINS : KEEP_DOMAINS;
    if (RoutingConfig.given(settings, domainKey)) {
      Set<Long> ids = new TreeSet<>();
      for (String w : RoutingConfig.words(settings, domainKey)) {
        try {
          ids.add(Long.parseUnsignedLong(w));
        } catch (NumberFormatException e) {
          throw RoutingConfig.error(
              settings, domainKey, "'" + w + "' is not a GTID domain id: write whole numbers");
        }
      }
      Set<Long> frozen = Set.copyOf(ids);
      domains = new Rule<>(domainKey.equals(DROP_DOMAINS), frozen::contains);
    }
    return new OriginFilter(settings.name(), origins, servers, domains);
  }

  /**
   * One kind's rule: a drop-list drops what it matches, a keep-list drops what it does not.
   *
   * @param drop whether it is a drop-list
   * @param listed whether a value is listed
   */
  record Rule<T>(boolean drop, Predicate<T> listed) {
    /** Whether a transaction with this value is dropped; an unknown value (null) never is. */
    boolean drops(T value) {
      return value != null && listed.test(value) == drop;
    }
  }
}

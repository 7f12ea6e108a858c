package io.ferry.mysql.origin;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a master (or direct) service passes on from its source's binlog besides what the source
 * server itself wrote: {@code all} (everything, as a plain master does), {@code local} (only
 * transactions whose binlog server id is the source's own), or a list of origins relayed beside the
 * local ones, each a service name or a server id. Immutable.
 *
 * @param text the setting as written (normalized)
 * @param all whether everything is relayed
 * @param serverIds the server ids relayed beside the local ones
 * @param services the origin service names relayed beside the local ones
 */
public record RelayPolicy(String text, boolean all, Set<Long> serverIds, Set<String> services) {
  public static final RelayPolicy ALL = new RelayPolicy("all", true, Set.of(), Set.of());
  public static final RelayPolicy LOCAL = new RelayPolicy("local", false, Set.of(), Set.of());

  private static final Pattern ID = Pattern.compile("[0-9]{1,10}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,56}");

  public RelayPolicy {
    serverIds = Set.copyOf(serverIds);
    services = Set.copyOf(services);
  }

  /**
   * Reads {@code all}, {@code local}, or origins separated by commas; an error names what is wrong.
   */
  public static RelayPolicy parse(String text) {
    String t = text == null ? "" : text.strip();
    if (t.equalsIgnoreCase("all")) {
      return ALL;
    }
    if (t.equalsIgnoreCase("local") || t.isEmpty()) {
      return LOCAL;
    }
    Set<Long> ids = new LinkedHashSet<>();
    Set<String> names = new LinkedHashSet<>();
    for (String item : t.split(",", -1)) {
      String o = item.strip();
      if (o.chars().allMatch(Character::isDigit) && !o.isEmpty()) {
        if (!ID.matcher(o).matches() || Long.parseLong(o) > 0xFFFFFFFFL || Long.parseLong(o) == 0) {
          throw new IllegalArgumentException(
              "'" + o + "' is not an origin: a server id is 1 to 4294967295");
        }
        ids.add(Long.parseLong(o));
      } else if (NAME.matcher(o).matches()) {
        if (o.equalsIgnoreCase("all") || o.equalsIgnoreCase("local")) {
          throw new IllegalArgumentException(
              "'" + o + "' cannot be part of a list: use it alone, or list origins");
        }
        names.add(o);
      } else {
        throw new IllegalArgumentException(
            "'"
                + o
                + "' is not an origin: give a service name (letters, digits, '_') or a server id"
                + " (1 to 4294967295)");
      }
    }
    StringBuilder norm = new StringBuilder();
    for (String n : names) {
      norm.append(norm.length() == 0 ? "" : ", ").append(n);
    }
    for (Long id : ids) {
      norm.append(norm.length() == 0 ? "" : ", ").append(id);
    }
    return new RelayPolicy(norm.toString(), false, ids, names);
  }

  /**
   * Whether a transaction is relayed: written by the source itself, or everything is relayed, or
   * its server id or origin service (null when unknown) is listed.
   */
  public boolean relays(long serverId, long localServerId, String service) {
    return all
        || serverId == localServerId
        || serverIds.contains(serverId)
        || (service != null && services.contains(service));
  }

  @Override
  public String toString() {
    return text;
  }
}

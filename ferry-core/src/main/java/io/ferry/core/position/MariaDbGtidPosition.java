package io.ferry.core.position;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A MariaDB GTID position: the last GTID of each replication domain (what {@code gtid_slave_pos}
 * holds). A replica resumes after it. Ordered only when one position is at or beyond the other in
 * every domain.
 *
 * @param gtids one GTID per domain, sorted by domain
 */
public record MariaDbGtidPosition(List<MariaDbGtid> gtids) implements NativePosition {
  public static final String KIND = "mariadb-gtid-pos";

  public MariaDbGtidPosition {
    List<MariaDbGtid> sorted = new ArrayList<>(gtids);
    sorted.sort(Comparator.comparingLong(MariaDbGtid::domain));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).domain() == sorted.get(i - 1).domain()) {
        throw new IllegalArgumentException(
            "a MariaDB GTID position has one GTID per domain; domain "
                + sorted.get(i).domain()
                + " appears twice");
      }
    }
    gtids = List.copyOf(sorted);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String text() {
    return gtids.stream().map(MariaDbGtid::text).collect(Collectors.joining(","));
  }

  public static MariaDbGtidPosition parse(String text) {
    List<MariaDbGtid> list = new ArrayList<>();
    if (!text.isBlank()) {
      for (String part : text.split(",", -1)) {
        list.add(MariaDbGtid.parse(part));
      }
    }
    return new MariaDbGtidPosition(list);
  }

  /** The GTID of a domain, if the position has one. */
  public Optional<MariaDbGtid> domain(long domain) {
    return gtids.stream().filter(g -> g.domain() == domain).findFirst();
  }

  /** This position advanced by one transaction's GTID. */
  public MariaDbGtidPosition with(MariaDbGtid gtid) {
    List<MariaDbGtid> list = new ArrayList<>();
    for (MariaDbGtid g : gtids) {
      if (g.domain() != gtid.domain()) {
        list.add(g);
      }
    }
    list.add(gtid);
    return new MariaDbGtidPosition(list);
  }

  @Override
  public Optional<Integer> compare(NativePosition other) {
    if (!(other instanceof MariaDbGtidPosition o)) {
      return Optional.empty();
    }
    boolean someLess = false;
    boolean someGreater = false;
    java.util.Set<Long> domains = new java.util.TreeSet<>();
    gtids.forEach(g -> domains.add(g.domain()));
    o.gtids.forEach(g -> domains.add(g.domain()));
    for (long d : domains) {
      long mine = domain(d).map(MariaDbGtid::sequence).orElse(-1L);
      long theirs = o.domain(d).map(MariaDbGtid::sequence).orElse(-1L);
      someLess |= mine < theirs;
      someGreater |= mine > theirs;
    }
    if (someLess && someGreater) {
      return Optional.empty();
    }
    return Optional.of(someLess ? -1 : someGreater ? 1 : 0);
  }

  @Override
  public String toString() {
    return text();
  }
}

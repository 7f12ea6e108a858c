package io.ferry.core.position;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A MySQL GTID set ({@code uuid:1-5:7-9,uuid2:1-3}): what {@code gtid_executed} holds. An immutable
 * value; {@link #with(MySqlGtid)} and {@link #union(MySqlGtidSet)} return new sets. Ordered by
 * inclusion: a subset compares below its superset; overlapping sets are not ordered.
 */
public final class MySqlGtidSet implements NativePosition {
  public static final String KIND = "mysql-gtid-set";

  /** A closed range of transaction numbers. */
  public record Interval(long start, long end) {
    public Interval {
      if (start < 1 || end < start) {
        throw new IllegalArgumentException("invalid GTID interval " + start + "-" + end);
      }
    }
  }

  private final Map<UUID, List<Interval>> sets;

  private MySqlGtidSet(Map<UUID, List<Interval>> sets) {
    this.sets = sets;
  }

  public static MySqlGtidSet empty() {
    return new MySqlGtidSet(Collections.emptyMap());
  }

  public static MySqlGtidSet parse(String text) {
    MySqlGtidSet result = empty();
    if (text.isBlank()) {
      return result;
    }
    for (String uuidPart : text.replace("\n", "").split(",", -1)) {
      String[] pieces = uuidPart.trim().split(":", -1);
      if (pieces.length < 2) {
        throw new IllegalArgumentException(
            "cannot read '"
                + uuidPart
                + "' in a MySQL GTID set: expected uuid:interval[:interval]");
      }
      UUID uuid;
      try {
        uuid = UUID.fromString(pieces[0]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "cannot read '" + pieces[0] + "' in a MySQL GTID set: not a uuid", e);
      }
      for (int i = 1; i < pieces.length; i++) {
        String[] bounds = pieces[i].split("-", -1);
        try {
          long start = Long.parseLong(bounds[0]);
          long end = bounds.length > 1 ? Long.parseLong(bounds[1]) : start;
          result = result.withInterval(uuid, new Interval(start, end));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "cannot read interval '" + pieces[i] + "' in a MySQL GTID set", e);
        }
      }
    }
    return result;
  }

  public boolean contains(MySqlGtid gtid) {
    for (Interval i : sets.getOrDefault(gtid.source(), List.of())) {
      if (gtid.transaction() >= i.start() && gtid.transaction() <= i.end()) {
        return true;
      }
    }
    return false;
  }

  public MySqlGtidSet with(MySqlGtid gtid) {
    return withInterval(gtid.source(), new Interval(gtid.transaction(), gtid.transaction()));
  }

  public MySqlGtidSet union(MySqlGtidSet other) {
    MySqlGtidSet result = this;
    for (Map.Entry<UUID, List<Interval>> e : other.sets.entrySet()) {
      for (Interval i : e.getValue()) {
        result = result.withInterval(e.getKey(), i);
      }
    }
    return result;
  }

  /** Whether every GTID of this set is in the other. */
  public boolean isSubsetOf(MySqlGtidSet other) {
    for (Map.Entry<UUID, List<Interval>> e : sets.entrySet()) {
      List<Interval> theirs = other.sets.getOrDefault(e.getKey(), List.of());
      for (Interval i : e.getValue()) {
        boolean covered =
            theirs.stream().anyMatch(t -> t.start() <= i.start() && t.end() >= i.end());
        if (!covered) {
          return false;
        }
      }
    }
    return true;
  }

  private MySqlGtidSet withInterval(UUID uuid, Interval added) {
    List<Interval> merged = new ArrayList<>();
    long start = added.start();
    long end = added.end();
    for (Interval i : sets.getOrDefault(uuid, List.of())) {
      if (i.end() + 1 < start || i.start() > end + 1) {
        merged.add(i);
      } else {
        start = Math.min(start, i.start());
        end = Math.max(end, i.end());
      }
    }
    merged.add(new Interval(start, end));
    merged.sort((a, b) -> Long.compare(a.start(), b.start()));
    Map<UUID, List<Interval>> copy = new TreeMap<>(sets);
    copy.put(uuid, List.copyOf(merged));
    return new MySqlGtidSet(Collections.unmodifiableMap(copy));
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String text() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<UUID, List<Interval>> e : new TreeMap<>(sets).entrySet()) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(e.getKey().toString().toLowerCase(Locale.ROOT));
      for (Interval i : e.getValue()) {
        sb.append(':').append(i.start());
        if (i.end() != i.start()) {
          sb.append('-').append(i.end());
        }
      }
    }
    return sb.toString();
  }

  @Override
  public Optional<Integer> compare(NativePosition other) {
    if (!(other instanceof MySqlGtidSet o)) {
      return Optional.empty();
    }
    boolean sub = isSubsetOf(o);
    boolean sup = o.isSubsetOf(this);
    if (sub && sup) {
      return Optional.of(0);
    }
    if (sub) {
      return Optional.of(-1);
    }
    return sup ? Optional.of(1) : Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MySqlGtidSet other && other.text().equals(text());
  }

  @Override
  public int hashCode() {
    return text().hashCode();
  }

  @Override
  public String toString() {
    return text();
  }
}

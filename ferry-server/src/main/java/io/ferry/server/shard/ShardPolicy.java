package io.ferry.server.shard;

import io.ferry.core.event.TransactionHeader;
import java.util.Locale;

/**
 * What a service does with a transaction that breaks the shard home map, decided once here: the
 * kinds of violation, the actions a service's settings choose for them, and {@link #judge} which
 * finds the violation of one transaction. Stateless.
 *
 * <p>A service that reads a source (master, direct) checks what enters replication: a shard homed
 * at {@link HomeMap#LOCAL} never does (dropped, always); a local write (origin: this service) to a
 * shard homed at another service is an errant write. A slave checks what it is about to apply: a
 * {@code #LOCAL} shard is never applied (dropped, always); a transaction whose origin is not its
 * shard's home comes from the wrong home. Both check for shards that have no home. Heartbeats and
 * the changes of Ferry's own catalog schemas ({@code ferry_...}) are never judged.
 */
public final class ShardPolicy {
  private ShardPolicy() {}

  /** What a service does with a violation. */
  public enum Action {
    /** Passes it on, uncounted: not a violation for this service. */
    ACCEPT,
    /** Passes over it (the seqno is recorded as filtered, the position advances), counted. */
    DROP,
    /** Passes it on, counted and logged (rate-limited). */
    WARN,
    /** Stops the service in OFFLINE:ERROR with what happened and the command that fixes it. */
    ERROR;

    /** The setting's words. */
    public static String[] words() {
      return new String[] {"accept", "drop", "warn", "error"};
    }

    public static Action parse(String word) {
      return valueOf(word.trim().toUpperCase(Locale.ROOT));
    }

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The kinds of violation, each counted on its own. */
  public enum Kind {
    /** The shard has no entry in the map. */
    NO_HOME("no-home", "shard.no-home"),
    /** A slave got a transaction whose origin is not its shard's home. */
    WRONG_HOME("wrong-home", "shard.wrong-home"),
    /** A master read a local write to a shard homed at another service. */
    ERRANT("errant", "shard.errant-writes"),
    /** A {@code #LOCAL} shard's transaction, kept from leaving (or reaching) a server. */
    LOCAL_DROPPED("local-dropped", null);

    private final String label;
    private final String setting;

    Kind(String label, String setting) {
      this.label = label;
      this.setting = setting;
    }

    /** Its name in status and metrics. */
    public String label() {
      return label;
    }

    /** The setting that chooses its action, or null (always dropped). */
    public String setting() {
      return setting;
    }
  }

  /** Which checks a service makes. */
  public enum Side {
    /** A service that reads a source (master, direct): before its THL or target. */
    SOURCE,
    /** A slave: before its target. */
    REPLICA
  }

  /** A service's actions, one per setting. */
  public record Actions(Action noHome, Action wrongHome, Action errant) {
    public static final Actions DEFAULTS = new Actions(Action.ACCEPT, Action.WARN, Action.WARN);
  }

  /**
   * A violation: its kind, what the service does, and the facts for the message.
   *
   * @param home the shard's home, or null when it has none
   */
  public record Verdict(Kind kind, Action action, String shard, String origin, String home) {}

  /** The prefix of Ferry's catalog and heartbeat schemas, which are never judged. */
  public static final String CATALOG_PREFIX = "ferry_";

  /**
   * The violation of one transaction (its last fragment, when its shard is final), or null when it
   * has none or the service accepts it.
   */
  public static Verdict judge(
      Side side,
      String service,
      HomeMap map,
      Actions actions,
      TransactionHeader h,
      boolean heartbeat) {
    String shard = h.shard();
    if (heartbeat || shard.startsWith(CATALOG_PREFIX)) {
      return null;
    }
    String origin = h.originService();
    HomeMap.Entry e = map.get(shard);
    if (e == null) {
      return verdict(Kind.NO_HOME, actions.noHome(), shard, origin, null);
    }
    if (e.local()) {
      return new Verdict(Kind.LOCAL_DROPPED, Action.DROP, shard, origin, e.home());
    }
    if (side == Side.SOURCE) {
      boolean local = origin.isEmpty() || origin.equals(service);
      return local && !e.home().equals(service)
          ? verdict(Kind.ERRANT, actions.errant(), shard, origin, e.home())
          : null;
    }
    return !e.home().equals(origin)
        ? verdict(Kind.WRONG_HOME, actions.wrongHome(), shard, origin, e.home())
        : null;
  }

  private static Verdict verdict(Kind k, Action a, String shard, String origin, String home) {
    return a == Action.ACCEPT ? null : new Verdict(k, a, shard, origin, home);
  }

  /**
   * The message of a violation that stops the service: what happened, and the commands that fix it.
   */
  public static String stopMessage(Verdict v, String service, long seqno) {
    String online = "ferry online -service " + service;
    String skip = online + " -skip-seqno " + seqno;
    String tx = "transaction seqno " + seqno + " (origin " + origin(v.origin()) + ")";
    return switch (v.kind()) {
      case NO_HOME ->
          tx
              + " is in shard '"
              + v.shard()
              + "', which has no home, and shard.no-home = error: give it one with ferry shard set "
              + v.shard()
              + " HOME (HOME: the service whose server is the shard's system of record, or "
              + HomeMap.LOCAL
              + " to keep it on its server), then "
              + online;
      case WRONG_HOME ->
          tx
              + " changes shard '"
              + v.shard()
              + "', whose home is "
              + v.home()
              + ", and shard.wrong-home = error: the shard was written on the wrong server. If its"
              + " home has moved, ferry shard set "
              + v.shard()
              + " "
              + origin(v.origin())
              + ", then "
              + online
              + "; to pass over this transaction, "
              + skip;
      case ERRANT ->
          tx
              + " is a local write to shard '"
              + v.shard()
              + "', whose home is "
              + v.home()
              + ", not "
              + service
              + ", and shard.errant-writes = error: an application wrote to the wrong server. If"
              + " the shard's home is now here, ferry shard set "
              + v.shard()
              + " "
              + service
              + ", then "
              + online
              + "; to keep this write out of replication, "
              + skip;
      case LOCAL_DROPPED -> fragmentedMessage(v, service, seqno); // #LOCAL only stops then
    };
  }

  /**
   * The message of a violation that would drop a transaction of several fragments, whose earlier
   * fragments have gone on already: it cannot be dropped whole, so the service stops.
   */
  public static String fragmentedMessage(Verdict v, String service, long seqno) {
    return "transaction seqno "
        + seqno
        + " (origin "
        + origin(v.origin())
        + ") in shard '"
        + v.shard()
        + "' is to be dropped ("
        + v.kind().label()
        + (v.kind().setting() == null ? "" : ", " + v.kind().setting() + " = drop")
        + ")"
        + fragmented(v)
        + " Then ferry online -service "
        + service;
  }

  private static String fragmented(Verdict v) {
    return ", but it is a large transaction of several fragments and the earlier ones went on: it"
        + " cannot be dropped whole. Raise source.fragment-bytes on the service that reads its"
        + " source so that it is one fragment, or give the shard a home with ferry shard set "
        + v.shard()
        + " HOME.";
  }

  private static String origin(String o) {
    return o == null || o.isEmpty() ? "unknown" : o;
  }
}

package io.ferry.core.filter;

import java.time.Clock;

/**
 * What a filter is told when it is prepared: the service it runs in, the service's role, the side
 * it is configured on, a read-only view of the schema on that side (the source's before the THL,
 * the target's before apply), and the clock. Immutable.
 *
 * @param service the service name
 * @param role the service's role (master, slave, direct, dummy)
 * @param side where the filter runs
 * @param schema the tables on that side, as the database has them now
 * @param clock the service's clock
 */
public record FilterContext(
    String service, String role, Side side, SchemaView schema, Clock clock) {

  /** Where a filter runs. */
  public enum Side {
    /** Right after extraction, before the THL: what is dropped never enters the log. */
    EXTRACT,
    /** Before the target: what one replica does not want. */
    APPLY;

    /** The configuration key that lists this side's filters. */
    public String key() {
      return this == EXTRACT ? "extract.filters" : "apply.filters";
    }
  }

  public FilterContext {
    if (side == null) {
      throw new IllegalArgumentException("a filter context needs a side");
    }
    schema = schema == null ? SchemaView.NONE : schema;
    clock = clock == null ? Clock.systemUTC() : clock;
  }

  /** A context without a database (tests, {@code ferry filter test} on a log). */
  public static FilterContext offline(String service, Side side) {
    return new FilterContext(service, "", side, SchemaView.NONE, Clock.systemUTC());
  }
}

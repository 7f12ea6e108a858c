package io.ferry.server;

import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterContext;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterRegistry;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.filter.MeteredFilter;
import io.ferry.core.filter.SchemaView;
import io.ferry.core.pipeline.Filter;
import io.ferry.mysql.schema.JdbcSchemaView;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.server.config.ServiceConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a service's configured filters: each instance created by its type's factory (configure),
 * wrapped with its name and counters, and prepared with the context of its side — the schema view
 * of the source before the THL, of the target before apply. The views connect on their first
 * question only; the caller closes them with the service's other resources.
 */
public final class FilterChains {
  private FilterChains() {}

  /**
   * Every filter a service's role runs, both sides in pipeline order (extract, then apply), for
   * tools that try a chain outside the service. The caller closes the filters and {@code
   * resources}.
   */
  public static List<Filter> forService(
      ServiceConfig c, Clock clock, List<AutoCloseable> resources) {
    return forService(c, clock, resources, null);
  }

  /**
   * The same, with the schema view given (a tool reading transactions from another server than the
   * service's own, like a sandbox server: both sides ask it), or null for the service's source and
   * target.
   */
  public static List<Filter> forService(
      ServiceConfig c, Clock clock, List<AutoCloseable> resources, SchemaView extractView) {
    List<Filter> out = new ArrayList<>();
    try {
      if (extractView == null) {
        out.addAll(build(c, FilterContext.Side.EXTRACT, clock, resources, true, null));
        io.ferry.core.target.Target target = null;
        if (!c.filters(FilterContext.Side.APPLY).isEmpty()) {
          target = Roles.target(c, clock);
          resources.add(target);
        }
        out.addAll(build(c, FilterContext.Side.APPLY, clock, resources, false, target));
      } else if (!c.filters(FilterContext.Side.EXTRACT).isEmpty()
          || !c.filters(FilterContext.Side.APPLY).isEmpty()) {
        // the transactions come from elsewhere (a sandbox): both sides ask that server
        out.addAll(build(c, FilterContext.Side.EXTRACT, clock, extractView));
        out.addAll(build(c, FilterContext.Side.APPLY, clock, extractView));
      }
      return out;
    } catch (RuntimeException | Error e) {
      out.forEach(Filter::close);
      throw e;
    }
  }

  /**
   * Releases filters, then what they used (schema views); a failure is told to {@code problems}
   * (what failed and why) and does not stop the rest from being released.
   */
  public static void release(
      List<Filter> filters,
      List<AutoCloseable> resources,
      java.util.function.Consumer<String> problems) {
    for (Filter f : filters) {
      try {
        f.close();
      } catch (RuntimeException e) {
        problems.accept("releasing filter " + f.name() + " failed: " + e);
      }
    }
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        problems.accept("closing " + r + " failed: " + e);
      }
    }
  }

  /** What a chain did to one transaction: the result, who dropped it, each filter's time. */
  public record Outcome(Transaction result, String droppedBy, List<Step> steps) {}

  /** One filter's part: its name, whether it changed or dropped the transaction, its time. */
  public record Step(String filter, String outcome, long nanos) {}

  /** Runs a transaction through a chain, timing each filter, stopping at the one that drops it. */
  @SuppressWarnings("ReferenceEquality") // a filter that changes nothing returns its input
  public static Outcome run(List<Filter> chain, Transaction tx) {
    List<Step> steps = new ArrayList<>();
    Transaction cur = tx;
    for (Filter f : chain) {
      long start = System.nanoTime();
      Transaction out;
      try {
        out = f.filter(cur);
      } catch (RuntimeException e) {
        String m = String.valueOf(e.getMessage());
        throw m.startsWith("filter " + f.name())
            ? e
            : new IllegalStateException("filter " + f.name() + ": " + m, e);
      }
      long nanos = System.nanoTime() - start;
      String what = out == null ? "dropped" : out == cur ? "unchanged" : "changed";
      steps.add(new Step(f.name(), what, nanos));
      if (out == null) {
        return new Outcome(null, f.name(), steps);
      }
      cur = out;
    }
    return new Outcome(cur, null, steps);
  }

  /**
   * One side's filters, prepared, in configured order; empty when the side has none. {@code
   * target}: the service's target, whose tables the apply side's filters see (null for the extract
   * side).
   */
  public static List<Filter> build(
      ServiceConfig c,
      FilterContext.Side side,
      Clock clock,
      List<AutoCloseable> resources,
      boolean readsSource,
      io.ferry.core.target.Target target) {
    if (c.filters(side).isEmpty()) {
      return List.of();
    }
    return build(c, side, clock, schemaView(c, side, resources, readsSource, target));
  }

  private static List<Filter> build(
      ServiceConfig c, FilterContext.Side side, Clock clock, SchemaView schema) {
    List<FilterSettings> instances = c.filters(side);
    FilterContext context = new FilterContext(c.name(), c.role(), side, schema, clock);
    List<Filter> out = new ArrayList<>();
    try {
      for (FilterSettings s : instances) {
        FilterFactory factory = FilterRegistry.installed().get(s.type());
        MeteredFilter f;
        try {
          f = new MeteredFilter(factory.create(s), s.name(), s.type(), context);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "filter " + s.name() + " (" + s.type() + ", " + side.key() + "): " + e.getMessage(),
              e);
        }
        out.add(f);
        try {
          f.prepare(context);
        } catch (RuntimeException e) {
          throw new IllegalStateException(
              "filter " + s.name() + " (" + s.type() + ") cannot be prepared: " + e.getMessage(),
              e);
        }
      }
      return out;
    } catch (RuntimeException | Error e) {
      out.forEach(Filter::close);
      throw e;
    }
  }

  private static SchemaView schemaView(
      ServiceConfig c,
      FilterContext.Side side,
      List<AutoCloseable> resources,
      boolean source,
      io.ferry.core.target.Target target) {
    SchemaView view;
    if (side == FilterContext.Side.EXTRACT && source) {
      var settings = Roles.sourceSettings(c);
      view =
          new JdbcSchemaView(
              "source " + settings.host() + ":" + settings.port(),
              () -> SourceProbe.connect(settings));
    } else if (side == FilterContext.Side.APPLY && target != null) {
      view = target.schemaView();
    } else {
      return SchemaView.NONE;
    }
    if (view instanceof AutoCloseable closeable) {
      resources.add(closeable);
    }
    return view;
  }
}

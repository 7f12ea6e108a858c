package io.ferry.server;

import io.ferry.core.filter.FilterContext;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterRegistry;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.filter.MeteredFilter;
import io.ferry.core.filter.SchemaView;
import io.ferry.core.pipeline.Filter;
import io.ferry.mysql.apply.TargetSettings;
import io.ferry.mysql.schema.JdbcSchemaView;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.server.config.ServiceConfig;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Makes a service's configured filters: each instance created by its type's factory (configure),
 * wrapped with its name and counters, and prepared with the context of its side — the schema view
 * of the source before the THL, of the target before apply. The views connect on their first
 * question only; the caller closes them with the service's other resources.
 */
final class FilterChains {
  private FilterChains() {}

  /** One side's filters, prepared, in configured order; empty when the side has none. */
  static List<Filter> build(
      ServiceConfig c,
      FilterContext.Side side,
      Clock clock,
      List<AutoCloseable> resources,
      boolean readsSource) {
    List<FilterSettings> instances = c.filters(side);
    if (instances.isEmpty()) {
      return List.of();
    }
    SchemaView schema = schemaView(c, side, resources, readsSource);
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
    } catch (RuntimeException e) {
      out.forEach(Filter::close);
      throw e;
    }
  }

  private static SchemaView schemaView(
      ServiceConfig c, FilterContext.Side side, List<AutoCloseable> resources, boolean source) {
    JdbcSchemaView view;
    if (side == FilterContext.Side.EXTRACT && source) {
      var settings = Roles.sourceSettings(c);
      view =
          new JdbcSchemaView(
              "source " + settings.host() + ":" + settings.port(),
              () -> SourceProbe.connect(settings));
    } else if (side == FilterContext.Side.APPLY) {
      TargetSettings t = Roles.targetSettings(c);
      view = new JdbcSchemaView("target " + t.address(), () -> connectTarget(t));
    } else {
      return SchemaView.NONE;
    }
    resources.add(view);
    return view;
  }

  private static java.sql.Connection connectTarget(TargetSettings t) {
    Properties props = new Properties();
    props.setProperty("user", t.user());
    props.setProperty("password", t.password());
    try {
      return t.tls().connect(t.jdbcUrl(), props);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot connect to the target " + t.address() + " as " + t.user() + ": " + e.getMessage(),
          e);
    }
  }
}

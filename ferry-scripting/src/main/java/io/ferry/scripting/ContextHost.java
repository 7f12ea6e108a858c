package io.ferry.scripting;

import io.ferry.core.filter.FilterContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code prepare(ctx)} receives: {@code service}, {@code role}, {@code side} ("extract" or
 * "apply"), {@code settings} (the filter's {@code param.*} values as strings) and {@code log} with
 * {@code info}, {@code warn}, {@code error}, which write to SLF4J under the filter's name.
 * Immutable apart from the wrapper cache; used by one thread.
 */
final class ContextHost extends HostObject {
  private static final Logger LOG = LoggerFactory.getLogger("io.ferry.scripting.script");

  private final FilterContext context;
  private final StringMapHost settings;
  private final LogHost log;

  ContextHost(FilterContext context, Map<String, String> params, String filterName) {
    this.context = context;
    this.settings = new StringMapHost(params, "ctx.settings");
    this.log = new LogHost(filterName);
  }

  @Override
  Object get(String key) {
    return switch (key) {
      case "service" -> context.service();
      case "role" -> context.role();
      case "side" -> context.side().name().toLowerCase(Locale.ROOT);
      case "settings" -> settings;
      case "log" -> log;
      default -> null;
    };
  }

  @Override
  List<String> keys() {
    return List.of("service", "role", "side", "settings", "log");
  }

  @Override
  String what() {
    return "the filter context";
  }

  /** {@code ctx.log}: script messages, prefixed with the filter's name. */
  static final class LogHost extends HostObject {
    private final String prefix;
    private final HostFunction info;
    private final HostFunction warn;
    private final HostFunction error;

    LogHost(String filterName) {
      this.prefix = "filter " + filterName + ": {}";
      this.info = args -> log(args, 0);
      this.warn = args -> log(args, 1);
      this.error = args -> log(args, 2);
    }

    private Object log(Object[] args, int level) {
      Object a = args.length == 0 ? "" : args[0];
      String msg =
          a == null || a instanceof String || a instanceof byte[] || a instanceof Number
              ? ValueParser.text(a == null ? "null" : a)
              : String.valueOf(a);
      switch (level) {
        case 0 -> LOG.info(prefix, msg);
        case 1 -> LOG.warn(prefix, msg);
        default -> LOG.error(prefix, msg);
      }
      return null;
    }

    @Override
    Object get(String key) {
      return switch (key) {
        case "info" -> info;
        case "warn" -> warn;
        case "error" -> error;
        default -> null;
      };
    }

    @Override
    List<String> keys() {
      return List.of("info", "warn", "error");
    }

    @Override
    String what() {
      return "ctx.log";
    }
  }
}

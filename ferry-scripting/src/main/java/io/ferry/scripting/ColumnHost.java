package io.ferry.scripting;

import io.ferry.core.event.ColumnSpec;
import java.util.List;
import java.util.Locale;

/**
 * A column description as a read-only script object: {@code name}, {@code type} (the lower-case SQL
 * type family), {@code typeName}, {@code key}, {@code unsigned}, {@code nullable}, {@code charset}.
 * Immutable apart from the wrapper cache.
 */
final class ColumnHost extends HostObject {
  private static final List<String> KEYS =
      List.of("name", "type", "typeName", "key", "unsigned", "nullable", "charset");
  private final String name;
  private final ColumnSpec spec;

  ColumnHost(String name, ColumnSpec spec) {
    this.name = name;
    this.spec = spec;
  }

  @Override
  Object get(String key) {
    return switch (key) {
      case "name" -> name;
      case "type" -> spec.type().name().toLowerCase(Locale.ROOT);
      case "typeName" -> spec.typeName();
      case "key" -> spec.key();
      case "unsigned" -> spec.unsigned();
      case "nullable" -> spec.nullable();
      case "charset" -> spec.charset();
      default -> null;
    };
  }

  @Override
  List<String> keys() {
    return KEYS;
  }

  @Override
  String what() {
    return "column " + name;
  }
}

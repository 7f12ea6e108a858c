package io.ferry.scripting;

import io.ferry.core.event.Change;
import io.ferry.core.event.RowsQuery;
import io.ferry.core.event.SqlStatement;
import java.util.List;

/**
 * One change of a transaction as a script object: {@code kind} and {@code drop()} for every kind,
 * {@code sql} and {@code schema} for statements, {@code text} for annotations (row changes are
 * {@link RowsHost}). Made when a script first reads the change; used by one thread.
 */
class ChangeHost extends HostObject {
  final Change change;
  boolean dropped;
  private HostFunction drop;

  ChangeHost(Change change) {
    this.change = change;
  }

  static ChangeHost of(Change c) {
    return c instanceof io.ferry.core.event.RowChanges rc ? new RowsHost(rc) : new ChangeHost(c);
  }

  @Override
  Object get(String key) {
    switch (key) {
      case "kind":
        return change instanceof SqlStatement ? "statement" : "annotation";
      case "drop":
        return dropFunction();
      default:
        break;
    }
    if (change instanceof SqlStatement s) {
      return switch (key) {
        case "sql" -> s.text();
        case "schema" -> s.defaultSchema();
        default -> null;
      };
    }
    return key.equals("text") ? ((RowsQuery) change).text() : null;
  }

  final HostFunction dropFunction() {
    if (drop == null) {
      drop =
          args -> {
            Args.none(args, "change.drop()");
            dropped = true;
            return null;
          };
    }
    return drop;
  }

  @Override
  List<String> keys() {
    return change instanceof SqlStatement
        ? List.of("kind", "sql", "schema")
        : List.of("kind", "text");
  }

  @Override
  String what() {
    return "a " + get("kind") + " change";
  }

  /** Whether the script changed anything here. */
  boolean changed() {
    return dropped;
  }

  /** The change to pass on: the original when unchanged, null when dropped. */
  Change build() {
    return dropped ? null : change;
  }
}

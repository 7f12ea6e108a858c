package io.ferry.filters;

import io.ferry.core.event.Change;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import java.util.List;

/**
 * Passes the row changes and statements of replicated tables (see {@link ReplicateFilterFactory}).
 * Each fragment is decided on its own; the filter keeps no state between transactions.
 * Thread-compatible (one task thread).
 */
final class ReplicateFilter implements Filter {
  private final String name;
  private final List<NamePattern> doList;
  private final List<NamePattern> ignoreList;
  private final boolean dropUnknown;
  private final TableCache<Boolean> decided = new TableCache<>();

  ReplicateFilter(
      String name, List<NamePattern> doList, List<NamePattern> ignoreList, boolean dropUnknown) {
    this.name = name;
    this.doList = doList;
    this.ignoreList = ignoreList;
    this.dropUnknown = dropUnknown;
  }

  /** Whether the table is replicated: do is empty or matches it, and ignore does not. */
  boolean replicates(String schema, String table) {
    return (doList.isEmpty() || NamePattern.anyTable(doList, schema, table))
        && !NamePattern.anyTable(ignoreList, schema, table);
  }

  /**
   * Whether some table of the schema may be replicated: do is empty or names the schema or tables
   * in it, and ignore does not name the schema as a whole.
   */
  boolean replicatesSchema(String schema) {
    if (!doList.isEmpty() && doList.stream().noneMatch(p -> p.matchesSchema(schema))) {
      return false;
    }
    return ignoreList.stream().noneMatch(p -> p.depth() == 1 && p.matchesSchema(schema));
  }

  @Override
  public Transaction filter(Transaction tx) {
    io.ferry.mysql.check.ChunkMarker marker =
        io.ferry.mysql.check.ChunkMarker.of(tx.header().options());
    if (marker != null && !decided.get(marker.schema(), marker.table(), this::replicates)) {
      return null; // a check or repair of a table this target does not get
    }
    if (tx.heartbeat() != null || tx.changes().isEmpty()) {
      return tx;
    }
    return ChangeEdit.apply(tx, this::edit);
  }

  private Change edit(Change c) {
    if (c instanceof RowChanges rc) {
      return decided.get(rc.schema(), rc.table(), this::replicates) ? rc : null;
    }
    if (c instanceof SqlStatement s) {
      return switch (StatementScope.of(s).route(this::replicates, this::replicatesSchema)) {
        case KEEP -> s;
        case DROP -> null;
        case UNKNOWN -> dropUnknown ? null : s;
      };
    }
    return c;
  }

  @Override
  public String name() {
    return name;
  }
}

package io.ferry.core.event;

/** One change of a transaction, in commit order: rows, a statement, or a row-query annotation. */
public sealed interface Change permits RowChanges, SqlStatement, RowsQuery {
  /** A rough size in memory, for bounding queues and cutting fragments. */
  long estimatedBytes();
}

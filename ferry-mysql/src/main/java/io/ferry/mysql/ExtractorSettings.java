package io.ferry.mysql;

import io.ferry.mysql.schema.SchemaHistory;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the binlog extractor behaves.
 *
 * @param start where a service with an empty log starts
 * @param requireRowFormat refuse a source that does not log binlog_format=ROW
 * @param fragmentBytes a transaction is handed out in fragments of about this many bytes
 * @param queueBytes how many bytes of binlog events may wait between the network and decoding
 * @param reconnectFor how long to keep reconnecting to a source that went away (0: never)
 * @param schemaHistory the schema history file, needed when the source does not log
 *     binlog_row_metadata=FULL (null: none)
 * @param onUnparsedDdl what to do with a DDL statement the schema history cannot understand
 * @param heartbeatSchema the schema of the service's heartbeat table on the source ({@code
 *     ferry_<service>}): its changes become named heartbeats, not replicated rows (null: none)
 */
public record ExtractorSettings(
    StartPosition start,
    boolean requireRowFormat,
    long fragmentBytes,
    long queueBytes,
    Duration reconnectFor,
    Path schemaHistory,
    SchemaHistory.OnUnparsedDdl onUnparsedDdl,
    String heartbeatSchema) {

  public static ExtractorSettings defaults() {
    return new ExtractorSettings(
        new StartPosition.Current(),
        false,
        1L << 20,
        16L << 20,
        Duration.ofMinutes(5),
        null,
        SchemaHistory.OnUnparsedDdl.STOP,
        null);
  }

  public ExtractorSettings withStart(StartPosition s) {
    return new ExtractorSettings(
        s,
        requireRowFormat,
        fragmentBytes,
        queueBytes,
        reconnectFor,
        schemaHistory,
        onUnparsedDdl,
        heartbeatSchema);
  }

  public ExtractorSettings withRequireRowFormat(boolean v) {
    return new ExtractorSettings(
        start,
        v,
        fragmentBytes,
        queueBytes,
        reconnectFor,
        schemaHistory,
        onUnparsedDdl,
        heartbeatSchema);
  }

  public ExtractorSettings withFragmentBytes(long v) {
    return new ExtractorSettings(
        start,
        requireRowFormat,
        v,
        queueBytes,
        reconnectFor,
        schemaHistory,
        onUnparsedDdl,
        heartbeatSchema);
  }

  public ExtractorSettings withReconnectFor(Duration v) {
    return new ExtractorSettings(
        start,
        requireRowFormat,
        fragmentBytes,
        queueBytes,
        v,
        schemaHistory,
        onUnparsedDdl,
        heartbeatSchema);
  }

  public ExtractorSettings withSchemaHistory(Path file, SchemaHistory.OnUnparsedDdl policy) {
    return new ExtractorSettings(
        start,
        requireRowFormat,
        fragmentBytes,
        queueBytes,
        reconnectFor,
        file,
        policy,
        heartbeatSchema);
  }

  public ExtractorSettings withHeartbeatSchema(String schema) {
    return new ExtractorSettings(
        start,
        requireRowFormat,
        fragmentBytes,
        queueBytes,
        reconnectFor,
        schemaHistory,
        onUnparsedDdl,
        schema);
  }
}

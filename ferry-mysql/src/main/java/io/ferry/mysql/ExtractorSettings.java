package io.ferry.mysql;

import java.time.Duration;

/**
 * How the binlog extractor behaves.
 *
 * @param start where a service with an empty log starts
 * @param requireRowFormat refuse a source that does not log binlog_format=ROW
 * @param fragmentBytes a transaction is handed out in fragments of about this many bytes
 * @param queueBytes how many bytes of binlog events may wait between the network and decoding
 * @param reconnectFor how long to keep reconnecting to a source that went away (0: never)
 */
public record ExtractorSettings(
    StartPosition start,
    boolean requireRowFormat,
    long fragmentBytes,
    long queueBytes,
    Duration reconnectFor) {

  public static ExtractorSettings defaults() {
    return new ExtractorSettings(
        new StartPosition.Current(), false, 1L << 20, 16L << 20, Duration.ofMinutes(5));
  }

  public ExtractorSettings withStart(StartPosition s) {
    return new ExtractorSettings(s, requireRowFormat, fragmentBytes, queueBytes, reconnectFor);
  }

  public ExtractorSettings withRequireRowFormat(boolean v) {
    return new ExtractorSettings(start, v, fragmentBytes, queueBytes, reconnectFor);
  }

  public ExtractorSettings withFragmentBytes(long v) {
    return new ExtractorSettings(start, requireRowFormat, v, queueBytes, reconnectFor);
  }

  public ExtractorSettings withReconnectFor(Duration v) {
    return new ExtractorSettings(start, requireRowFormat, fragmentBytes, queueBytes, v);
  }
}

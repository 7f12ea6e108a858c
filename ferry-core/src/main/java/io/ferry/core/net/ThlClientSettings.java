package io.ferry.core.net;

import java.time.Duration;
import java.util.List;

/**
 * How a replica fetches a master's THL.
 *
 * @param masters the masters' addresses, tried in order at every (re)connect
 * @param replica this replica's name, for the master's logs and status
 * @param secret the shared secret, or null
 * @param tls TLS settings, or null for plain TCP
 * @param connectTimeout how long a connection and its handshake may take
 * @param silenceLimit how long the stream may carry nothing, not even a heartbeat, before the
 *     connection is taken for dead
 * @param queueBytes how many bytes of received records may wait for the stage
 * @param maxFrameBytes the largest frame the replica accepts from the master (a batch of records,
 *     or one record larger than a batch); a longer length is a damaged stream, not an allocation
 */
public record ThlClientSettings(
    List<MasterAddress> masters,
    String replica,
    String secret,
    TlsSettings tls,
    Duration connectTimeout,
    Duration silenceLimit,
    long queueBytes,
    int maxFrameBytes) {

  public static final int DEFAULT_MAX_FRAME_BYTES = 256 << 20;

  public ThlClientSettings {
    if (masters == null || masters.isEmpty()) {
      throw new IllegalArgumentException("a replica needs at least one master address");
    }
    masters = List.copyOf(masters);
    replica = replica == null ? "" : replica;
    secret = secret == null || secret.isEmpty() ? null : secret;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
    silenceLimit = silenceLimit == null ? Duration.ofSeconds(10) : silenceLimit;
    if (queueBytes < 1024) {
      throw new IllegalArgumentException("a replica's receive queue needs at least 1024 bytes");
    }
    if (maxFrameBytes < Wire.MAX_HANDSHAKE_FRAME) {
      throw new IllegalArgumentException(
          "the largest frame a replica accepts must be at least "
              + Wire.MAX_HANDSHAKE_FRAME
              + " bytes");
    }
  }

  public static ThlClientSettings of(List<MasterAddress> masters, String replica) {
    return new ThlClientSettings(
        masters, replica, null, null, null, null, 16L << 20, DEFAULT_MAX_FRAME_BYTES);
  }

  public ThlClientSettings withSecret(String s) {
    return new ThlClientSettings(
        masters, replica, s, tls, connectTimeout, silenceLimit, queueBytes, maxFrameBytes);
  }

  public ThlClientSettings withTls(TlsSettings t) {
    return new ThlClientSettings(
        masters, replica, secret, t, connectTimeout, silenceLimit, queueBytes, maxFrameBytes);
  }

  public ThlClientSettings withConnectTimeout(Duration d) {
    return new ThlClientSettings(
        masters, replica, secret, tls, d, silenceLimit, queueBytes, maxFrameBytes);
  }

  public ThlClientSettings withSilenceLimit(Duration d) {
    return new ThlClientSettings(
        masters, replica, secret, tls, connectTimeout, d, queueBytes, maxFrameBytes);
  }

  public ThlClientSettings withMaxFrameBytes(int v) {
    return new ThlClientSettings(
        masters, replica, secret, tls, connectTimeout, silenceLimit, queueBytes, v);
  }

  @Override
  public String toString() {
    return "ThlClientSettings["
        + masters
        + ", tls="
        + (tls != null)
        + ", secret="
        + (secret == null ? "none" : "*****")
        + "]";
  }
}

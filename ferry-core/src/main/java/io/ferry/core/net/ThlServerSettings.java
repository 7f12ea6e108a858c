package io.ferry.core.net;

import java.time.Duration;

/**
 * How a master serves its THL.
 *
 * @param bind the address to listen on ({@code 0.0.0.0} for every interface)
 * @param port the TCP port (0: any free port, for tests)
 * @param secret the shared secret replicas must prove they know, or null for none
 * @param tls TLS settings, or null for plain TCP
 * @param heartbeat how often an idle stream carries a heartbeat
 * @param batchBytes how many bytes of records go out in one frame at most (more when one record is
 *     larger)
 * @param service the master service's name, told to replicas
 */
public record ThlServerSettings(
    String bind,
    int port,
    String secret,
    TlsSettings tls,
    Duration heartbeat,
    int batchBytes,
    String service) {

  public ThlServerSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("invalid THL port " + port);
    }
    bind = bind == null ? "127.0.0.1" : bind;
    heartbeat = heartbeat == null ? Duration.ofSeconds(1) : heartbeat;
    if (batchBytes < 1024) {
      throw new IllegalArgumentException("a THL batch must allow at least 1024 bytes");
    }
    secret = secret == null || secret.isEmpty() ? null : secret;
  }

  public static ThlServerSettings of(String bind, int port, String service) {
    return new ThlServerSettings(bind, port, null, null, null, 256 * 1024, service);
  }

  public ThlServerSettings withSecret(String s) {
    return new ThlServerSettings(bind, port, s, tls, heartbeat, batchBytes, service);
  }

  public ThlServerSettings withTls(TlsSettings t) {
    return new ThlServerSettings(bind, port, secret, t, heartbeat, batchBytes, service);
  }

  public ThlServerSettings withHeartbeat(Duration d) {
    return new ThlServerSettings(bind, port, secret, tls, d, batchBytes, service);
  }

  @Override
  public String toString() {
    return "ThlServerSettings["
        + bind
        + ":"
        + port
        + ", tls="
        + (tls != null)
        + ", secret="
        + (secret == null ? "none" : "*****")
        + "]";
  }
}

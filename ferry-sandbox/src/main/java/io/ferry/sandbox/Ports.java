package io.ferry.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses loopback ports. Ports are picked at random below the kernel's ephemeral range (which
 * starts at 32768 on Linux) so that a stopped sandbox's port is not handed out as the local port of
 * some outgoing connection meanwhile.
 */
final class Ports {
  static final int LOW = 20000;
  static final int HIGH = 32000;

  private Ports() {}

  /** Whether nothing listens on the port of 127.0.0.1 right now. */
  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A port that is free now and not in {@code avoid} (ports other sandboxes have recorded). */
  static int pickFree(Set<Integer> avoid) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = random.nextInt(LOW, HIGH);
      if (!avoid.contains(port) && isFree(port)) {
        return port;
      }
    }
    throw new SandboxException(
        "no free TCP port found on 127.0.0.1 between " + LOW + " and " + HIGH + " after 500 tries");
  }
}

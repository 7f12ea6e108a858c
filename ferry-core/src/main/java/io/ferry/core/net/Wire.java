package io.ferry.core.net;

import io.ferry.core.codec.ByteReader;
import io.ferry.core.codec.ByteWriter;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The THL transfer protocol's framing: every message is a type byte, a 4-byte big-endian payload
 * length and the payload, encoded with the THL's own primitives. Records travel exactly as the THL
 * stores them (length, CRC32C, routing header, body), so a replica verifies every record's checksum
 * as it arrives. See docs/thl-network.md. Stateless.
 */
final class Wire {
  private Wire() {}

  static final int VERSION = 1;

  static final int SERVER_HELLO = 1;
  static final int HELLO = 2;
  static final int ACCEPT = 3;
  static final int REFUSE = 4;
  static final int RECORDS = 5;
  static final int HEARTBEAT = 6;
  static final int ERROR = 7;

  /** The epoch of a HELLO from an empty replica told where to start: the master checks none. */
  static final long ANY_EPOCH = -1;

  /**
   * The epoch of a HELLO that probes the log: the master streams from the seqno after the one
   * given, moved into its log's range, and refuses nothing for range; its ACCEPT says where it
   * starts and the log's first and last seqnos (provisioning finds a seqno by source position this
   * way).
   */
  static final long PROBE_EPOCH = -2;

  /** The largest frame a peer accepts before the handshake is done. */
  static final int MAX_HANDSHAKE_FRAME = 64 * 1024;

  /** A frame as read: its type and payload (owned by the frame; read, not changed). */
  static final class Frame {
    private final int type;
    private final byte[] payload;

    Frame(int type, byte[] payload) {
      this.type = type;
      this.payload = payload;
    }

    int type() {
      return type;
    }

    byte[] payload() {
      return payload;
    }

    ByteReader reader() {
      return new ByteReader(payload);
    }
  }

  static void write(OutputStream out, int type, ByteWriter payload) throws IOException {
    write(out, type, payload.array(), payload.size());
  }

  static void write(OutputStream out, int type, byte[] payload, int length) throws IOException {
    byte[] head = new byte[5];
    head[0] = (byte) type;
    ByteWriter.putI32(head, 1, length);
    out.write(head);
    out.write(payload, 0, length);
  }

  /** Reads one handshake frame; a longer one means the peer is not speaking this protocol. */
  static Frame read(DataInputStream in, int maxLength) throws IOException {
    return read(
        in, maxLength, "is not Ferry's THL protocol (is the address a Ferry master's THL port?)");
  }

  /**
   * Reads one frame. A length above {@code maxLength} is refused before anything is allocated, with
   * {@code tooLong} saying what that means here.
   */
  static Frame read(DataInputStream in, int maxLength, String tooLong) throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("the peer closed the connection");
    }
    int length = in.readInt();
    if (length < 0 || length > maxLength) {
      throw new ProtocolException(
          "a frame of type "
              + type
              + " and "
              + Integer.toUnsignedString(length)
              + " bytes (at most "
              + maxLength
              + " accepted) "
              + tooLong);
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(type, payload);
  }

  /** The replica's proof that it knows the shared secret, bound to the server's nonce. */
  static byte[] proof(String secret, byte[] nonce, String replica) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update("ferry-thl-v1".getBytes(StandardCharsets.UTF_8));
      mac.update(nonce);
      mac.update(replica.getBytes(StandardCharsets.UTF_8));
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  static boolean proofMatches(String secret, byte[] nonce, String replica, byte[] proof) {
    return MessageDigest.isEqual(proof(secret, nonce, replica), proof);
  }

  /** The protocol was broken: a malformed or unexpected frame. */
  static final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
      super(message);
    }
  }
}

package io.ferry.core.codec;

import io.ferry.core.event.Change;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.position.NativePosition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The one encoding of a replication event, on disk and on the wire: a length, a CRC32C, a routing
 * header readable without the body, then the versioned body. The layout is documented in
 * docs/thl-format.md. Instances hold a reusable checksum object: one per thread.
 */
public final class RecordCodec {
  public static final int TRANSACTION = 1;
  public static final int GAP = 2;

  /** Bytes before the checksummed part: the length and the CRC. */
  public static final int FRAME_BYTES = 8;

  /** Smallest possible value of the length field. */
  public static final int MIN_LENGTH = 49;

  /** The body version this code writes; it reads every version up to it. */
  public static final int BODY_VERSION = 1;

  private static final int FLAG_LAST_FRAG = 1;
  private static final int FIXED_ROUTING = 36;

  private final CRC32C crc = new CRC32C();
  private final ChangeCodec.ColumnCache columns = new ChangeCodec.ColumnCache();

  /** Appends one framed record to the writer. */
  public void encode(ReplEvent event, ByteWriter w) {
    int start = w.size();
    w.i32(0); // length, patched below
    w.i32(0); // CRC, patched below
    boolean isGap = event instanceof Gap;
    w.u8(isGap ? GAP : TRANSACTION);
    w.u8(event.endsTransaction() ? FLAG_LAST_FRAG : 0);
    int routingLengthAt = w.size();
    w.u16(0); // routing length, patched below
    w.i64(event.seqno());
    w.i64(event.lastSeqno());
    w.i64(event.epoch());
    NativePosition nativePosition;
    if (event instanceof Transaction tx) {
      TransactionHeader h = tx.header();
      w.i32(h.fragno());
      w.i64(h.sourceCommitMicros());
      str16(w, h.shard(), "shard");
      str16(w, h.originService(), "origin service");
      nativePosition = h.nativePosition();
    } else {
      Gap gap = (Gap) event;
      w.i32(0);
      w.i64(gap.sourceCommitMicros());
      str16(w, "", "shard");
      str16(w, "", "origin service");
      nativePosition = gap.nativePosition();
    }
    str16(w, nativePosition == null ? "" : nativePosition.kind(), "native position kind");
    str16(w, nativePosition == null ? "" : nativePosition.text(), "native position");
    w.patchU16(routingLengthAt, w.size() - routingLengthAt - 2);
    w.u8(BODY_VERSION);
    if (event instanceof Transaction tx) {
      writeTransactionBody(w, tx, columns);
    } else {
      w.string(((Gap) event).reason());
    }
    int length = w.size() - start - FRAME_BYTES;
    byte[] buf = w.array();
    ByteWriter.putI32(buf, start, length);
    crc.reset();
    crc.update(buf, start + FRAME_BYTES, length);
    ByteWriter.putI32(buf, start + 4, (int) crc.getValue());
  }

  private static void writeTransactionBody(
      ByteWriter w, Transaction tx, ChangeCodec.ColumnCache columns) {
    TransactionHeader h = tx.header();
    w.string(h.sourceId());
    w.varlong(h.extractMicros());
    w.varint(h.options().size());
    for (Map.Entry<String, String> e : h.options().entrySet()) {
      w.string(e.getKey());
      w.string(e.getValue());
    }
    w.varint(tx.changes().size());
    for (Change c : tx.changes()) {
      ChangeCodec.write(w, c, columns);
    }
  }

  private static void str16(ByteWriter w, String s, String what) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0xFFFF) {
      throw new CodecException(what + " is longer than 65535 bytes: " + s.substring(0, 80) + "...");
    }
    w.u16(b.length);
    w.raw(b, 0, b.length);
  }

  /** The value of the length field of a record starting at {@code at}. */
  public static int length(byte[] b, int at) {
    return ByteReader.getI32(b, at);
  }

  /** Whether the checksum of the complete record at {@code at} matches. */
  public boolean checksumMatches(byte[] b, int at) {
    int length = length(b, at);
    crc.reset();
    crc.update(b, at + FRAME_BYTES, length);
    return (int) crc.getValue() == ByteReader.getI32(b, at + 4);
  }

  /**
   * Decodes the routing header of the complete, checksum-verified record at {@code at}. Throws
   * {@link CodecException} if the header is malformed.
   */
  public static RecordHeader header(byte[] b, int at) {
    int length = length(b, at);
    ByteReader r = new ByteReader(b, at + FRAME_BYTES, length);
    int type = r.u8();
    if (type != TRANSACTION && type != GAP) {
      throw new CodecException("unknown record type " + type);
    }
    int flags = r.u8();
    int routingLength = r.u16();
    if (routingLength < FIXED_ROUTING + 8 || routingLength > length - 4) {
      throw new CodecException("routing header length " + routingLength + " out of range");
    }
    long seqno = r.i64();
    long lastSeqno = r.i64();
    long epoch = r.i64();
    int fragno = r.i32();
    long commitMicros = r.i64();
    String shard = str16(r);
    String origin = str16(r);
    String nativeKind = str16(r);
    String nativeText = str16(r);
    if (seqno < 0 || lastSeqno < seqno || fragno < 0) {
      throw new CodecException(
          "invalid seqno range " + seqno + ".." + lastSeqno + " or fragno " + fragno);
    }
    return new RecordHeader(
        type,
        seqno,
        lastSeqno,
        epoch,
        fragno,
        (flags & FLAG_LAST_FRAG) != 0,
        commitMicros,
        shard,
        origin,
        nativeKind,
        nativeText,
        length + FRAME_BYTES);
  }

  private static String str16(ByteReader r) {
    return r.utf8(r.u16());
  }

  /** Decodes the whole record at {@code at} (complete and checksum-verified) into an event. */
  public static ReplEvent decode(byte[] b, int at, RecordHeader header) {
    int length = length(b, at);
    ByteReader r = new ByteReader(b, at + FRAME_BYTES, length);
    r.skip(4);
    int routingLength = ByteReader.getI32(b, at + FRAME_BYTES) & 0xFFFF;
    r.skip(routingLength);
    int version = r.u8();
    if (version < 1 || version > BODY_VERSION) {
      throw new CodecException(
          "body version "
              + version
              + " is newer than this Ferry reads (up to "
              + BODY_VERSION
              + ")");
    }
    NativePosition nativePosition;
    try {
      nativePosition = header.nativePosition();
    } catch (IllegalArgumentException e) {
      throw new CodecException("unreadable native position: " + e.getMessage(), e);
    }
    if (header.isGap()) {
      String reason = r.string();
      return new Gap(
          header.seqno(),
          header.lastSeqno(),
          header.epoch(),
          nativePosition,
          header.sourceCommitMicros(),
          reason);
    }
    String sourceId = r.string();
    long extractMicros = r.varlong();
    int optionCount = r.count();
    Map<String, String> options = optionCount == 0 ? Map.of() : new TreeMap<>();
    for (int i = 0; i < optionCount; i++) {
      options.put(r.string(), r.string());
    }
    int changeCount = r.count();
    List<Change> changes = new ArrayList<>(changeCount);
    for (int i = 0; i < changeCount; i++) {
      changes.add(ChangeCodec.read(r));
    }
    if (r.hasRemaining()) {
      throw new CodecException(r.remaining() + " unexpected bytes after the last change");
    }
    TransactionHeader th =
        new TransactionHeader(
            header.seqno(),
            header.epoch(),
            header.fragno(),
            header.lastFrag(),
            nativePosition,
            sourceId,
            header.originService(),
            header.shard(),
            header.sourceCommitMicros(),
            extractMicros,
            options);
    return new Transaction(th, changes);
  }
}

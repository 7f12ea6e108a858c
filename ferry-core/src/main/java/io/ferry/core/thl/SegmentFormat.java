package io.ferry.core.thl;

import io.ferry.core.codec.ByteReader;
import io.ferry.core.codec.ByteWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * File names and fixed layouts of the log: segment file headers and index files
 * (docs/thl-format.md). Stateless.
 */
final class SegmentFormat {
  static final byte[] SEGMENT_MAGIC = "FERRYTHL".getBytes(StandardCharsets.US_ASCII);
  static final byte[] INDEX_MAGIC = "FERRYIDX".getBytes(StandardCharsets.US_ASCII);
  static final int FORMAT_VERSION = 1;
  static final int HEADER_BYTES = 64;
  static final String LOCK_FILE = "thl.lock";

  private static final Pattern SEGMENT_NAME = Pattern.compile("thl-(\\d{20})\\.seg");

  private SegmentFormat() {}

  static String segmentName(long baseSeqno) {
    return String.format("thl-%020d.seg", baseSeqno);
  }

  static String indexName(long baseSeqno) {
    return String.format("thl-%020d.idx", baseSeqno);
  }

  /** The base seqno named by a segment file name, or -1 if the name is not a segment's. */
  static long baseOf(String fileName) {
    Matcher m = SEGMENT_NAME.matcher(fileName);
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /** A segment file's header. */
  record Header(int version, long baseSeqno, long createdMicros, UUID logId) {}

  static byte[] encodeHeader(long baseSeqno, long createdMicros, UUID logId) {
    ByteWriter w = new ByteWriter(HEADER_BYTES);
    w.raw(SEGMENT_MAGIC, 0, SEGMENT_MAGIC.length);
    w.u16(FORMAT_VERSION);
    w.u16(HEADER_BYTES);
    w.i64(baseSeqno);
    w.i64(createdMicros);
    w.i64(logId.getMostSignificantBits());
    w.i64(logId.getLeastSignificantBits());
    while (w.size() < HEADER_BYTES - 4) {
      w.u8(0);
    }
    CRC32C crc = new CRC32C();
    crc.update(w.array(), 0, w.size());
    w.i32((int) crc.getValue());
    return w.toByteArray();
  }

  /** Reads and checks a segment's header; throws a corruption error naming the problem. */
  static Header readHeader(Path file, FileChannel channel) throws IOException {
    long base = baseOf(file.getFileName().toString()); // the seqno a damaged header stands for
    ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES);
    while (buf.hasRemaining()) {
      if (channel.read(buf, buf.position()) < 0) {
        throw new ThlCorruptionException(
            file,
            buf.position(),
            base,
            "the file ends inside its " + HEADER_BYTES + "-byte header");
      }
    }
    byte[] b = buf.array();
    if (!Arrays.equals(Arrays.copyOf(b, 8), SEGMENT_MAGIC)) {
      throw new ThlCorruptionException(file, 0, base, "not a Ferry THL segment (bad magic)");
    }
    CRC32C crc = new CRC32C();
    crc.update(b, 0, HEADER_BYTES - 4);
    if ((int) crc.getValue() != ByteReader.getI32(b, HEADER_BYTES - 4)) {
      throw new ThlCorruptionException(
          file, 0, base, "the segment header's checksum does not match");
    }
    ByteReader r = new ByteReader(b, 8, HEADER_BYTES - 8);
    int version = r.u16();
    int headerLength = r.u16();
    if (version > FORMAT_VERSION) {
      throw new ThlException(
          file
              + " has THL format version "
              + version
              + ", written by a newer Ferry; this one reads up to version "
              + FORMAT_VERSION);
    }
    if (headerLength != HEADER_BYTES) {
      throw new ThlCorruptionException(file, 10, base, "unexpected header length " + headerLength);
    }
    return new Header(version, r.i64(), r.i64(), new UUID(r.i64(), r.i64()));
  }

  /** What an index file holds: a segment's sparse seqno index and summary. Immutable. */
  static final class IndexFile {
    private final long baseSeqno;
    private final long lastSeqno;
    private final long segmentLength;
    private final long lastCommitMicros;
    private final long[] entries;

    IndexFile(
        long baseSeqno, long lastSeqno, long segmentLength, long lastCommitMicros, long[] entries) {
      this.baseSeqno = baseSeqno;
      this.lastSeqno = lastSeqno;
      this.segmentLength = segmentLength;
      this.lastCommitMicros = lastCommitMicros;
      this.entries = entries.clone();
    }

    long baseSeqno() {
      return baseSeqno;
    }

    long lastSeqno() {
      return lastSeqno;
    }

    long segmentLength() {
      return segmentLength;
    }

    long lastCommitMicros() {
      return lastCommitMicros;
    }

    /** (seqno, offset) pairs, flattened (a copy). */
    long[] entries() {
      return entries.clone();
    }
  }

  /**
   * Attributes of the files a log creates: readable by their owner only (the records are the
   * replicated rows). Empty where the file system has no POSIX permissions.
   */
  static java.nio.file.attribute.FileAttribute<?>[] ownerOnly(boolean directory) {
    if (!java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return new java.nio.file.attribute.FileAttribute<?>[0];
    }
    return new java.nio.file.attribute.FileAttribute<?>[] {
      java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString(
              directory ? "rwx------" : "rw-------"))
    };
  }

  static void writeIndex(Path file, IndexFile index) throws IOException {
    ByteWriter w = new ByteWriter(64 + index.entries().length * 8);
    w.raw(INDEX_MAGIC, 0, INDEX_MAGIC.length);
    w.u16(FORMAT_VERSION);
    w.u16(0);
    w.i64(index.baseSeqno());
    w.i64(index.lastSeqno());
    w.i64(index.segmentLength());
    w.i64(index.lastCommitMicros());
    w.i32(index.entries().length / 2);
    for (long v : index.entries()) {
      w.i64(v);
    }
    CRC32C crc = new CRC32C();
    crc.update(w.array(), 0, w.size());
    w.i32((int) crc.getValue());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            java.util.Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING),
            ownerOnly(false))) {
      ByteBuffer buf = ByteBuffer.wrap(w.array(), 0, w.size());
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Reads an index file; null if it is missing, damaged or not for this segment length. */
  static IndexFile readIndex(Path file, long baseSeqno, long segmentLength) {
    byte[] b;
    try {
      b = Files.readAllBytes(file);
    } catch (IOException e) {
      return null;
    }
    if (b.length < 48 || !Arrays.equals(Arrays.copyOf(b, 8), INDEX_MAGIC)) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(b, 0, b.length - 4);
    if ((int) crc.getValue() != ByteReader.getI32(b, b.length - 4)) {
      return null;
    }
    ByteReader r = new ByteReader(b, 8, b.length - 12);
    if (r.u16() > FORMAT_VERSION) {
      return null;
    }
    r.u16();
    long base = r.i64();
    long last = r.i64();
    long length = r.i64();
    long commit = r.i64();
    int count = r.i32();
    if (base != baseSeqno || length != segmentLength || count < 0 || count * 16L != r.remaining()) {
      return null;
    }
    long[] entries = new long[count * 2];
    for (int i = 0; i < entries.length; i++) {
      entries[i] = r.i64();
    }
    return new IndexFile(base, last, length, commit, entries);
  }

  /** fsyncs a directory, so that a created, renamed or deleted file entry is durable. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}

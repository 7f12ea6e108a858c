package io.ferry.mysql.binlog;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * MariaDB's compressed columns ({@code COMPRESSED}): the row holds a header byte and the data. A
 * header with the high bit clear means the data follows as it is (short or incompressible values);
 * with it set, its low three bits give how many big-endian bytes of original length follow, bit 3
 * says raw deflate (else zlib with its wrapper), and the rest is the compressed stream. An empty
 * value has no header at all. Stateless.
 */
final class Compressed {
  private Compressed() {}

  static byte[] inflate(byte[] stored) {
    if (stored.length == 0) {
      return stored;
    }
    int header = stored[0] & 0xFF;
    if ((header & 0x80) == 0) {
      return java.util.Arrays.copyOfRange(stored, 1, stored.length);
    }
    int lengthBytes = header & 0x07;
    boolean raw = (header & 0x08) != 0;
    if (stored.length < 1 + lengthBytes) {
      throw new BinlogFormatException(
          "a compressed column value of " + stored.length + " bytes is cut short");
    }
    long length = 0;
    for (int i = 0; i < lengthBytes; i++) {
      length = (length << 8) | (stored[1 + i] & 0xFF);
    }
    if (length > Integer.MAX_VALUE - 8) {
      throw new BinlogFormatException(
          "a compressed column value claims " + length + " bytes, more than a column holds");
    }
    Inflater inflater = new Inflater(raw);
    try {
      int start = 1 + lengthBytes;
      inflater.setInput(stored, start, stored.length - start);
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(length, 1 << 20));
      byte[] buffer = new byte[(int) Math.min(Math.max(length, 1), 64 * 1024)];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        out.write(buffer, 0, n);
        if (out.size() > length) {
          break;
        }
      }
      if (!inflater.finished() || out.size() != length) {
        throw new BinlogFormatException(
            "a compressed column value does not inflate to the "
                + length
                + " bytes its header says (got "
                + out.size()
                + ")");
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new BinlogFormatException(
          "a compressed column value is not a valid "
              + (raw ? "deflate" : "zlib")
              + " stream: "
              + e.getMessage(),
          e);
    } finally {
      inflater.end();
    }
  }
}

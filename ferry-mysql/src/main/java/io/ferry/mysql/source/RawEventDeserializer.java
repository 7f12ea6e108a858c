package io.ferry.mysql.source;

import com.github.shyiko.mysql.binlog.event.ByteArrayEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeader;
import com.github.shyiko.mysql.binlog.event.deserialization.ChecksumType;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The client's event deserializer, except that every event's CRC32 checksum is verified first, and
 * table maps are handed over as raw bytes without the client also parsing them for itself (Ferry
 * parses them; the client's own rows decoding, which needs them, is not used). Used by the client's
 * one thread.
 */
final class RawEventDeserializer extends EventDeserializer {
  /** LOG_EVENT_BINLOG_IN_USE_F, in the low byte of an event header's flags (offset 17). */
  private static final int IN_USE = 0x1;

  private int checksumLength;

  @Override
  @SuppressWarnings("deprecation") // the client itself calls it when it connects
  public void setChecksumType(ChecksumType checksumType) {
    super.setChecksumType(checksumType);
    checksumLength = checksumType.getLength();
  }

  /** Follows a format description event's checksum type (binlog files may differ). */
  void formatDescription(ChecksumType checksumType) {
    checksumLength = checksumType.getLength();
  }

  /**
   * Verifies the event's CRC32 checksum when the binlog has them, before the event is decoded: the
   * connector would read and drop it unchecked, and a damaged byte in a row would be applied.
   */
  @Override
  public Event nextEvent(ByteArrayInputStream in) throws IOException {
    if (checksumLength != 4) {
      return super.nextEvent(in);
    }
    if (in.peek() == -1) {
      return null; // the end of a binlog file (as the connector's own deserializer says it)
    }
    // The client hands over the socket's stream positioned at the event: read exactly the event
    // (its length is in its header), check it, and decode it from those bytes.
    byte[] header = in.read(19);
    int size = littleEndian(header, 9);
    if (size < 19 || size > (1 << 30)) {
      throw new ChecksumException(
          "a binlog event announces " + Integer.toUnsignedString(size) + " bytes: not an event");
    }
    byte[] event = new byte[size];
    System.arraycopy(header, 0, event, 0, 19);
    in.fill(event, 19, size - 19);
    verify(event);
    return super.nextEvent(new ByteArrayInputStream(event));
  }

  private static void verify(byte[] event) throws IOException {
    if (event.length < 19 + 4) {
      return; // not an event with a header and a checksum
    }
    int type = event[4] & 0xff;
    if (type == 27) {
      return; // a heartbeat: generated on the fly, not a binlog event
    }
    if (type == 15 && event[event.length - 5] != 1) {
      // A format description names its own file's checksum algorithm, which may be none (a file
      // written before binlog_checksum was set): the server then leaves its checksum field stale.
      return;
    }
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    if (type == 15 && (event[17] & IN_USE) != 0) {
      // A binlog file the server still has open (or died with) marks its format description
      // "in use"; the checksum was computed without that flag, which the server clears on close.
      byte[] copy = event.clone();
      copy[17] &= (byte) ~IN_USE;
      crc.update(copy, 0, copy.length - 4);
    } else {
      crc.update(event, 0, event.length - 4);
    }
    long stored = littleEndian(event, event.length - 4) & 0xffffffffL;
    if (crc.getValue() != stored) {
      throw new ChecksumException(
          "the binlog event of type "
              + type
              + " ending at offset "
              + (littleEndian(event, 13) & 0xffffffffL)
              + " fails its CRC32 checksum (stored "
              + Long.toHexString(stored)
              + ", computed "
              + Long.toHexString(crc.getValue())
              + "): the source's binlog is damaged there, or the bytes were changed on the way."
              + " Nothing of it was applied. Check the file on the source (mariadb-binlog"
              + " --verify-binlog-checksum); restore the source or re-provision the targets from it");
    }
  }

  private static int littleEndian(byte[] b, int at) {
    return (b[at] & 0xff)
        | (b[at + 1] & 0xff) << 8
        | (b[at + 2] & 0xff) << 16
        | (b[at + 3] & 0xff) << 24;
  }

  /** An event whose checksum does not match its bytes. */
  static final class ChecksumException extends IOException {
    private static final long serialVersionUID = 1L;

    ChecksumException(String message) {
      super(message);
    }
  }

  @Override
  public EventData deserializeTableMapEventData(ByteArrayInputStream in, EventHeader header)
      throws IOException {
    int bodyLength = (int) header.getDataLength() - checksumLength;
    ByteArrayEventData data = new ByteArrayEventData();
    data.setData(in.read(bodyLength));
    if (checksumLength > 0) {
      in.skip(checksumLength);
    }
    return data;
  }
}

package io.ferry.mysql.source;

import com.github.shyiko.mysql.binlog.event.ByteArrayEventData;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeader;
import com.github.shyiko.mysql.binlog.event.deserialization.ChecksumType;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The client's event deserializer, except that table maps are handed over as raw bytes without the
 * client also parsing them for itself (Ferry parses them; the client's own rows decoding, which
 * needs them, is not used). Used by the client's one thread.
 */
final class RawEventDeserializer extends EventDeserializer {
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

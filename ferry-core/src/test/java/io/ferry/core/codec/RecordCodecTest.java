package io.ferry.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.TestEvents;
import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowImage;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.PgLsn;
import io.ferry.core.value.Text;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  private final RecordCodec codec = new RecordCodec();

  private ReplEvent roundTrip(ReplEvent event) {
    ByteWriter w = new ByteWriter(64);
    codec.encode(event, w);
    byte[] b = w.toByteArray();
    assertThat(RecordCodec.length(b, 0) + RecordCodec.FRAME_BYTES).isEqualTo(b.length);
    assertThat(codec.checksumMatches(b, 0)).isTrue();
    RecordHeader h = RecordCodec.header(b, 0);
    assertThat(h.seqno()).isEqualTo(event.seqno());
    assertThat(h.lastSeqno()).isEqualTo(event.lastSeqno());
    assertThat(h.length()).isEqualTo(b.length);
    return RecordCodec.decode(b, 0, h);
  }

  @Test
  void transactionsRoundTripWithEveryChangeKind() {
    for (long seqno : new long[] {0, 1, 5, 1234567}) {
      Transaction tx = TestEvents.sized(seqno, 5000);
      assertThat(roundTrip(tx)).isEqualTo(tx);
      Transaction small = TestEvents.small(seqno);
      assertThat(roundTrip(small)).isEqualTo(small);
    }
  }

  @Test
  void minimalImagesKeepAbsentApartFromNull() {
    List<ColumnSpec> cols =
        List.of(
            ColumnSpec.of("id", SqlType.INT).asKey(),
            ColumnSpec.of("a", SqlType.VARCHAR),
            ColumnSpec.of("b", SqlType.VARCHAR));
    RowChanges update =
        new RowChanges(
            "s",
            "t",
            Action.UPDATE,
            cols,
            RowImage.MINIMAL,
            ColumnMask.of(3, 0),
            ColumnMask.of(3, 2),
            List.of(
                Row.of(new Object[] {1L, null, null}, new Object[] {null, null, Text.of("x")})));
    Transaction tx = new Transaction(TestEvents.header(3).withShard("s"), List.of(update));
    Transaction back = (Transaction) roundTrip(tx);
    RowChanges rc = (RowChanges) back.changes().get(0);
    assertThat(rc.image()).isEqualTo(RowImage.MINIMAL);
    assertThat(rc.beforeColumns().contains(0)).isTrue();
    assertThat(rc.beforeColumns().contains(1)).isFalse();
    assertThat(rc.afterColumns().contains(2)).isTrue();
    assertThat(back).isEqualTo(tx);
  }

  @Test
  void gapsRoundTrip() {
    Gap gap = new Gap(10, 14, 3, new PgLsn(0x16_B374D848L), 99, "dropped by filter 'x'");
    assertThat(roundTrip(gap)).isEqualTo(gap);
  }

  @Test
  void everyFlippedBitIsCaughtByTheChecksum() {
    ByteWriter w = new ByteWriter(64);
    codec.encode(TestEvents.small(42), w);
    byte[] b = w.toByteArray();
    for (int i = RecordCodec.FRAME_BYTES; i < b.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] copy = b.clone();
        copy[i] ^= (byte) (1 << bit);
        assertThat(codec.checksumMatches(copy, 0)).as("byte %d bit %d", i, bit).isFalse();
      }
    }
  }
}

package io.ferry.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.Action;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.value.JsonValue;
import io.ferry.core.value.SqlTime;
import io.ferry.core.value.SqlTimestamp;
import io.ferry.core.value.Text;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The envelope's shapes that a MariaDB source does not produce in the other tests: MySQL's native
 * JSON type embedded, an update that changes the key split into a delete and an insert, a table
 * without a key, and the position record read back. (Values from a real binlog: KafkaTypesTest.)
 */
class EnvelopeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TransactionHeader H =
      new TransactionHeader(
          7,
          3,
          0,
          true,
          new MariaDbGtid(0, 1, 9),
          "1",
          "svc",
          "s",
          1_700_000_000_123_456L,
          0,
          Map.of());

  private static JsonNode json(byte[] b) throws Exception {
    return JSON.readTree(new String(b, StandardCharsets.UTF_8));
  }

  @Test
  void nativeJsonIsEmbeddedAndTextThatIsNotJsonStaysAString() throws Exception {
    List<ColumnSpec> cols =
        List.of(
            ColumnSpec.of("id", SqlType.INT).asKey(),
            ColumnSpec.of("j", SqlType.JSON),
            ColumnSpec.of("k", SqlType.JSON),
            ColumnSpec.of("t", SqlType.TIME),
            ColumnSpec.of("ts", SqlType.TIMESTAMP));
    RowChanges rc =
        RowChanges.full(
            "s",
            "t",
            Action.INSERT,
            cols,
            List.of(
                Row.insert(
                    1L,
                    new JsonValue("{\"a\": [1, 2.5e3, {\"b\": null}]}"),
                    Text.of("not json {"),
                    SqlTime.ofMicros(-3_000_000_000_000L),
                    new SqlTimestamp(0, 0))));
    List<Envelope.Message> m = new Envelope().row(rc, rc.rows().get(0), H, 0);
    JsonNode v = json(m.get(0).value());
    assertThat(v.get("after").get("j"))
        .isEqualTo(JSON.readTree("{\"a\": [1, 2.5e3, {\"b\": null}]}"));
    assertThat(v.get("after").get("k").asText()).isEqualTo("not json {");
    assertThat(v.get("after").get("t").asText()).isEqualTo("-833:20:00");
    assertThat(v.get("after").get("ts").asText()).isEqualTo("0000-00-00T00:00:00Z");
    assertThat(v.get("commitTime").asText()).isEqualTo("2023-11-14T22:13:20.123456Z");
    assertThat(v.get("position").get("text").asText()).isEqualTo("0-1-9");
  }

  @Test
  void anUpdateOfTheKeyIsADeleteUnderTheOldKeyAndAnInsertUnderTheNew() throws Exception {
    List<ColumnSpec> cols =
        List.of(ColumnSpec.of("id", SqlType.INT).asKey(), ColumnSpec.of("v", SqlType.INT));
    RowChanges rc =
        RowChanges.full(
            "s",
            "t",
            Action.UPDATE,
            cols,
            List.of(Row.of(new Object[] {1L, 5L}, new Object[] {2L, 6L})));
    List<Envelope.Message> m = new Envelope().row(rc, rc.rows().get(0), H, 4);
    assertThat(m).hasSize(2);
    assertThat(new String(m.get(0).key(), StandardCharsets.UTF_8))
        .isEqualTo("{\"schema\":\"s\",\"table\":\"t\",\"key\":{\"id\":1}}");
    assertThat(new String(m.get(1).key(), StandardCharsets.UTF_8))
        .isEqualTo("{\"schema\":\"s\",\"table\":\"t\",\"key\":{\"id\":2}}");
    JsonNode del = json(m.get(0).value());
    JsonNode ins = json(m.get(1).value());
    assertThat(del.get("op").asText()).isEqualTo("delete");
    assertThat(del.get("after").isNull()).isTrue();
    assertThat(del.get("before").get("v").asLong()).isEqualTo(5);
    assertThat(ins.get("op").asText()).isEqualTo("insert");
    assertThat(ins.get("before").isNull()).isTrue();
    assertThat(ins.get("after").get("v").asLong()).isEqualTo(6);
    assertThat(del.get("keyUpdate").asBoolean()).isTrue();
    assertThat(List.of(del.get("row").asInt(), ins.get("row").asInt())).containsExactly(4, 5);

    RowChanges same =
        RowChanges.full(
            "s",
            "t",
            Action.UPDATE,
            cols,
            List.of(Row.of(new Object[] {1L, 5L}, new Object[] {1L, 6L})));
    List<Envelope.Message> one = new Envelope().row(same, same.rows().get(0), H, 0);
    assertThat(one).hasSize(1);
    assertThat(json(one.get(0).value()).get("op").asText()).isEqualTo("update");
    assertThat(json(one.get(0).value()).has("keyUpdate")).isFalse();
  }

  @Test
  void aTableWithoutKeyIsKeyedByTheTableAlone() throws Exception {
    List<ColumnSpec> cols = List.of(ColumnSpec.of("v", SqlType.INT));
    RowChanges rc = RowChanges.full("s", "n", Action.INSERT, cols, List.of(Row.insert(1L)));
    Envelope.Message m = new Envelope().row(rc, rc.rows().get(0), H, 0).get(0);
    assertThat(new String(m.key(), StandardCharsets.UTF_8))
        .isEqualTo("{\"schema\":\"s\",\"table\":\"n\"}");
    assertThat(json(m.value()).get("key").size()).isZero();
  }

  @Test
  void thePositionRecordReadsBack() {
    Checkpoint c =
        new Checkpoint(41, 3, 2, false, new MariaDbGtid(0, 1, 9), 1_700_000_000_000_000L);
    assertThat(Envelope.readPosition(new Envelope().position("svc", c, 1000))).isEqualTo(c);
  }

  @Test
  void setupAddressesAreRecognized() {
    KafkaTargetType t = new KafkaTargetType();
    assertThat(t.endpoint("kafka://k1:9093,k2"))
        .containsExactly("target.type = kafka", "target.kafka.bootstrap-servers = k1:9093,k2:9092");
    assertThat(t.endpoint("postgresql://x@h/db")).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.endpoint("kafka://a b:1"))
        .hasMessageContaining("kafka://host:port");
  }

  @Test
  void topicNamesKeepWhatKafkaAllowsAndReplaceTheRest() {
    assertThat(Topics.clean("my schema$1.x")).isEqualTo("my_schema_1.x");
    assertThat(Topics.clean(".hidden")).isEqualTo("_hidden");
  }
}

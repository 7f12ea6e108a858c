package io.ferry.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.target.TargetException;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/** The capability check's decision: which servers get the transactional path. */
class CapabilitiesTest {
  private static BsonDocument hello(String json) {
    return BsonDocument.parse(json);
  }

  private static final BsonDocument REPLICA_SET_40 =
      hello("{isWritablePrimary: true, setName: 'rs0', maxWireVersion: 7}");
  private static final BsonDocument REPLICA_SET_36 =
      hello("{ismaster: true, setName: 'rs0', maxWireVersion: 6}");
  private static final BsonDocument MONGOS_42 = hello("{msg: 'isdbgrid', maxWireVersion: 8}");
  private static final BsonDocument MONGOS_40 = hello("{msg: 'isdbgrid', maxWireVersion: 7}");
  private static final BsonDocument STANDALONE_70 =
      hello("{isWritablePrimary: true, maxWireVersion: 21}");

  @Test
  void autoPicksTransactionsWhereTheServerHasThem() {
    assertThat(Capabilities.decide(REPLICA_SET_40, "auto", "x").transactional()).isTrue();
    assertThat(Capabilities.decide(MONGOS_42, "auto", "x").transactional()).isTrue();
    assertThat(Capabilities.decide(REPLICA_SET_36, "auto", "x").transactional()).isFalse();
    assertThat(Capabilities.decide(MONGOS_40, "auto", "x").transactional()).isFalse();
    assertThat(Capabilities.decide(STANDALONE_70, "auto", "x").transactional()).isFalse();
    assertThat(Capabilities.decide(hello("{}"), "auto", "x").transactional()).isFalse();
  }

  @Test
  void kindsAndWireVersionsAreReported() {
    assertThat(Capabilities.decide(REPLICA_SET_40, "auto", "x"))
        .isEqualTo(new Capabilities("replica-set", 7, true));
    assertThat(Capabilities.decide(MONGOS_40, "auto", "x"))
        .isEqualTo(new Capabilities("sharded", 7, false));
    assertThat(Capabilities.decide(STANDALONE_70, "auto", "x"))
        .isEqualTo(new Capabilities("standalone", 21, false));
  }

  @Test
  void offNeverUsesThemAndOnRefusesAServerWithout() {
    assertThat(Capabilities.decide(REPLICA_SET_40, "off", "x").transactional()).isFalse();
    assertThat(Capabilities.decide(REPLICA_SET_40, "on", "x").transactional()).isTrue();
    assertThatThrownBy(() -> Capabilities.decide(STANDALONE_70, "on", "mongodb h:1"))
        .isInstanceOf(TargetException.class)
        .hasMessageContaining("mongodb h:1 is a standalone server with wire version 21")
        .hasMessageContaining("use auto or off");
  }
}

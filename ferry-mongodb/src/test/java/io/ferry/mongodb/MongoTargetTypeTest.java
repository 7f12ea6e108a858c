package io.ferry.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.target.TargetException;
import io.ferry.core.target.TargetTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The type as the server finds it: registered, and the addresses setup direct --target takes. */
class MongoTargetTypeTest {
  @Test
  void registeredUnderItsName() {
    assertThat(TargetTypes.named("mongodb", "test")).isInstanceOf(MongoTargetType.class);
  }

  @Test
  void recognizesConnectionStringsOnly() {
    MongoTargetType t = new MongoTargetType();
    assertThat(t.endpoint("mongodb://u:p@h1:27017,h2/?replicaSet=rs0"))
        .containsExactly(
            "target.type = mongodb",
            "target.mongodb.uri = mongodb://u:p@h1:27017,h2/?replicaSet=rs0");
    assertThat(t.endpoint("postgresql://h/db")).isEmpty();
    assertThat(t.endpoint("kafka://h:9092")).isEmpty();
    assertThatThrownBy(() -> t.endpoint("mongodb://u:secret@h:notaport/"))
        .isInstanceOf(TargetException.class)
        .hasMessageContaining("mongodb://***@h:notaport/")
        .hasMessageNotContaining("secret")
        .hasMessageContaining("write mongodb://");
    assertThat(List.copyOf(t.settings())).isEqualTo(MongoSettings.own());
  }
}

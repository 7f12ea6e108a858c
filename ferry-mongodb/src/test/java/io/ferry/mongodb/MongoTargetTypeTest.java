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

  @Test
  void translatesTablesToAMongoshScript() {
    var t =
        new io.ferry.core.target.SourceTable(
            "shop",
            "orders",
            List.of(
                io.ferry.core.event.ColumnSpec.of("id", io.ferry.core.event.SqlType.INT).asKey(),
                io.ferry.core.event.ColumnSpec.of("email", io.ferry.core.event.SqlType.VARCHAR),
                io.ferry.core.event.ColumnSpec.of("at", io.ferry.core.event.SqlType.DATETIME)
                    .withLength(0, 6)),
            List.of("id"),
            List.of(List.of("email"), List.of("at", "email")));
    assertThat(new MongoTargetType().translators()).hasSize(1);
    assertThat(new MongoShellTranslator().createTable(t))
        .containsExactly(
            "// at: a date to the millisecond, the microseconds in the field at_micros\n"
                + "db.getSiblingDB(\"shop\").createCollection(\"orders\")",
            "db.getSiblingDB(\"shop\").getCollection(\"orders\").createIndex({\"email\": 1},"
                + " {name: \"ferry_uk_email\"})",
            "db.getSiblingDB(\"shop\").getCollection(\"orders\").createIndex({\"at\": 1,"
                + " \"email\": 1}, {name: \"ferry_uk_at_email\"})");
  }
}

package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ferry.server.config.ConfigException;
import io.ferry.server.config.ServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service file with {@code target.type = mongodb}, read by the server's configuration: the type
 * is found on the class path, its keys are known, and what cannot work is refused with file, line
 * and what to do.
 */
class MongoConfigTest {
  @TempDir Path dir;

  private Path file(String... target) throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("service.name = m1");
    lines.add("service.role = direct");
    lines.add("service.dir = " + dir.resolve("m1"));
    lines.add("source.host = 127.0.0.1");
    lines.add("source.port = 3306");
    lines.add("source.user = ferry");
    lines.add("target.type = mongodb");
    lines.addAll(List.of(target));
    Path f = dir.resolve("m1.conf");
    Files.write(f, lines);
    return f;
  }

  private List<String> problems(Path f) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ServiceConfig.load(f));
    assertThat(e).as("refused").isNotNull();
    return e.problems();
  }

  @Test
  void aUriOrAHostIsEnough() throws Exception {
    ServiceConfig c =
        ServiceConfig.load(file("target.mongodb.uri = mongodb://h1:27017,h2/?replicaSet=rs0"));
    assertThat(c.targetType().name()).isEqualTo("mongodb");
    ServiceConfig h =
        ServiceConfig.load(
            file(
                "target.host = mongo1",
                "target.port = 27018",
                "target.mongodb.write-concern = journaled"));
    assertThat(h.targetType().name()).isEqualTo("mongodb");
  }

  @Test
  void whatCannotWorkIsRefusedWithWhereAndWhatToDo() throws Exception {
    assertThat(problems(file()))
        .anySatisfy(p -> assertThat(p).contains("target.mongodb.uri").contains("target.host"));
    assertThat(
            problems(
                file(
                    "target.mongodb.uri = mongodb://h/",
                    "target.mongodb.database-per-schema = false")))
        .anySatisfy(p -> assertThat(p).contains("m1.conf").contains("set target.database"));
    assertThat(problems(file("target.mongodb.uri = http://h/")))
        .anySatisfy(p -> assertThat(p).contains("starts with mongodb://"));
    assertThat(problems(file("target.mongodb.uri = mongodb://h/", "target.tls = required")))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("target.tls")
                    .contains("does not apply to target.type = mongodb"));
    assertThat(
            problems(
                file("target.mongodb.uri = mongodb://h/", "target.mongodb.transactions = maybe")))
        .anySatisfy(p -> assertThat(p).contains("target.mongodb.transactions"));
  }

  @Test
  void anotherTypeRefusesMongoKeys() throws Exception {
    Path f = file("target.mongodb.uri = mongodb://h/");
    List<String> lines = new ArrayList<>(Files.readAllLines(f));
    lines.remove("target.type = mongodb");
    lines.add("target.host = 127.0.0.1");
    lines.add("target.user = u");
    Files.write(f, lines);
    assertThat(problems(f))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("target.mongodb.uri")
                    .contains("read by target.type mongodb"));
  }
}

package io.ferry.cli.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.cli.CliException;
import org.junit.jupiter.api.Test;

/** Database URLs for setup: passwords read exactly, and never echoed in an error. */
class EndpointTest {
  @Test
  void readsAUrlWithAnEscapedPasswordExactly() {
    Endpoint e = Endpoint.parse("mysql://ferry:ab+cd%40x%23y@db1.example:3307", null);
    assertThat(e.user()).isEqualTo("ferry");
    assertThat(e.password()).isEqualTo("ab+cd@x#y");
    assertThat(e.host()).isEqualTo("db1.example");
    assertThat(e.port()).isEqualTo(3307);
    assertThat(Endpoint.parse("mariadb://app@db2", null))
        .isEqualTo(new Endpoint("db2", 3306, "app", ""));
  }

  @Test
  void aBadUrlIsRefusedWithoutShowingItsPassword() {
    for (String url :
        new String[] {"mysql://ferry:se#cret9@db1", "mysql://ferry:se cret9@db1", "mysql://:x@"}) {
      assertThatThrownBy(() -> Endpoint.parse(url, null))
          .isInstanceOf(CliException.class)
          .satisfies(t -> assertThat(t.getMessage()).doesNotContain("cret9").contains("mysql://"));
    }
    assertThat(Endpoint.masked("mysql://u:p@w:d@h:1")).isEqualTo("mysql://u:*****@h:1");
    assertThat(Endpoint.masked("mysql://u@h:1")).isEqualTo("mysql://u@h:1");
    assertThat(Endpoint.masked("lab:2")).isEqualTo("lab:2");
  }
}

package io.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.server.Service.State;
import org.junit.jupiter.api.Test;

/** The state names users type: the full ones, the enum's, and the short forms. */
class ServiceStateTest {
  @Test
  void readsFullNamesEnumNamesAndShortForms() {
    for (State s : State.values()) {
      assertThat(State.parse(s.toString())).isEqualTo(s);
      assertThat(State.parse(s.name().toLowerCase(java.util.Locale.ROOT))).isEqualTo(s);
    }
    assertThat(State.parse(" offline ")).isEqualTo(State.OFFLINE_NORMAL);
    assertThat(State.parse("going-online")).isEqualTo(State.GOING_ONLINE);
    assertThat(State.parse("offline:error")).isEqualTo(State.OFFLINE_ERROR);
    assertThat(State.ONLINE.toString()).isEqualTo("ONLINE");
  }

  @Test
  void anUnknownStateIsRefusedWithTheListOfStates() {
    assertThatThrownBy(() -> State.parse("SLEEPING"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown state 'SLEEPING'")
        .hasMessageContaining("OFFLINE:NORMAL")
        .hasMessageContaining("OFFLINE:ERROR");
  }
}

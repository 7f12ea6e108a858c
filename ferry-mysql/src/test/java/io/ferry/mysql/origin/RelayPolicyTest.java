package io.ferry.mysql.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RelayPolicyTest {
  @Test
  void allLocalAndListsOfOrigins() {
    assertThat(RelayPolicy.parse("all").relays(9, 1, null)).isTrue();
    RelayPolicy local = RelayPolicy.parse(" LOCAL ");
    assertThat(local.relays(1, 1, null)).isTrue();
    assertThat(local.relays(9, 1, "fra")).isFalse();
    RelayPolicy some = RelayPolicy.parse("fra, 42 ,nyc");
    assertThat(some.text()).isEqualTo("fra, nyc, 42");
    assertThat(some.relays(42, 1, null)).isTrue();
    assertThat(some.relays(7, 1, "nyc")).isTrue();
    assertThat(some.relays(7, 1, "sjc")).isFalse();
    assertThat(some.relays(7, 1, null)).isFalse();
    assertThat(some.relays(1, 1, null)).isTrue();
  }

  @Test
  void badOriginsAreNamed() {
    assertThatThrownBy(() -> RelayPolicy.parse("fra, new-york"))
        .hasMessageContaining("'new-york' is not an origin");
    assertThatThrownBy(() -> RelayPolicy.parse("fra, all"))
        .hasMessageContaining("'all' cannot be part of a list");
    assertThatThrownBy(() -> RelayPolicy.parse("4294967296"))
        .hasMessageContaining("is not an origin");
  }

  @Test
  void serverIdsAndDomainsFromHeaders() {
    assertThat(OriginIds.serverId("31495")).isEqualTo(31495);
    assertThat(OriginIds.serverId("")).isEqualTo(-1);
    assertThat(OriginIds.serverId("pg-1")).isEqualTo(-1);
    assertThat(OriginIds.serverId("4294967296")).isEqualTo(-1);
    assertThat(OriginIds.domainOf(new MariaDbGtid(3, 7, 9))).isEqualTo(3);
    assertThat(
            OriginIds.domainOf(
                new BinlogPosition("binlog.000001", 400, new MariaDbGtid(5, 7, 9), null)))
        .isEqualTo(5);
    assertThat(OriginIds.domainOf(new BinlogPosition("binlog.000001", 400, null, null)))
        .isEqualTo(-1);
  }

  /** A clock the test moves. */
  private static final class TestClock extends Clock {
    long millis = 1_000_000;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  @Test
  void aNewServerIdIsLookedUpAtOnceThenAtMostOncePerRefresh() {
    Map<Long, String> recorded = new HashMap<>();
    AtomicInteger lookups = new AtomicInteger();
    TestClock clock = new TestClock();
    OriginNames names =
        new OriginNames(
            () -> {
              lookups.incrementAndGet();
              return new HashMap<>(recorded);
            },
            clock,
            5000);
    assertThat(names.of(10)).isNull(); // a new server id: asked three times
    assertThat(lookups.get()).isEqualTo(3);
    assertThat(names.of(10)).isNull(); // a miss within the refresh time asks nothing
    assertThat(lookups.get()).isEqualTo(3);
    recorded.put(10L, "fra");
    clock.millis += 5000;
    assertThat(names.of(10)).isEqualTo("fra");
    assertThat(names.of(10)).isEqualTo("fra"); // a hit never asks
    assertThat(lookups.get()).isEqualTo(4);
    // another new server id is looked up at once, though the last lookup was just now
    recorded.put(11L, "nyc");
    assertThat(names.of(11)).isEqualTo("nyc");
    assertThat(lookups.get()).isEqualTo(5);
  }
}

package io.ferry.filters;

import static io.ferry.filters.RoutingTx.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.position.MariaDbGtidPosition;
import io.ferry.core.position.MySqlGtid;
import io.ferry.core.position.NativePosition;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OriginFilterTest {
  private static Filter filter(Map<String, String> values) {
    FilterSettings s = FilterSettings.defaults("loop", "origin");
    for (var e : values.entrySet()) {
      var setting =
          new OriginFilterFactory()
              .settings().stream().filter(x -> x.key().equals(e.getKey())).findFirst().get();
      @SuppressWarnings("unchecked")
      var typed = (io.ferry.core.config.Setting<String>) setting;
      s = s.with(typed, e.getValue());
    }
    return new OriginFilterFactory().create(s);
  }

  private static Transaction tx(String origin, String sourceId, NativePosition position) {
    TransactionHeader h =
        new TransactionHeader(5, 1, 0, true, position, sourceId, origin, "app", 0, 0, Map.of());
    return new Transaction(h, List.of(insert("app", "users")));
  }

  private static NativePosition domain(long d) {
    return new BinlogPosition("binlog.000002", 400, new MariaDbGtid(d, 11, 90));
  }

  @Test
  void dropsByOriginService() {
    Filter f = filter(Map.of("drop-origins", "east*, south"));
    assertThat(f.filter(tx("east2", "1", domain(0)))).isNull();
    assertThat(f.filter(tx("south", "1", domain(0)))).isNull();
    Transaction west = tx("west", "1", domain(0));
    assertThat(f.filter(west)).isSameAs(west);
    Transaction unknown = tx("", "1", domain(0));
    assertThat(f.filter(unknown)).isSameAs(unknown);
  }

  @Test
  void keepsOnlyListedOrigins() {
    Filter f = filter(Map.of("keep-origins", "west"));
    assertThat(f.filter(tx("east", "1", domain(0)))).isNull();
    Transaction west = tx("west", "1", domain(0));
    assertThat(f.filter(west)).isSameAs(west);
  }

  @Test
  void dropsByServerId() {
    Filter f = filter(Map.of("drop-server-ids", "11, 12"));
    assertThat(f.filter(tx("a", "11", domain(0)))).isNull();
    Transaction other = tx("a", "1", domain(0));
    assertThat(f.filter(other)).isSameAs(other);
    Filter keep = filter(Map.of("keep-server-ids", "1"));
    assertThat(keep.filter(tx("a", "11", domain(0)))).isNull();
    assertThat(keep.filter(other)).isSameAs(other);
  }

  @Test
  void dropsByGtidDomain() {
    Filter f = filter(Map.of("drop-domains", "1,2"));
    assertThat(f.filter(tx("a", "1", domain(1)))).isNull();
    assertThat(f.filter(tx("a", "1", new MariaDbGtid(2, 1, 5)))).isNull();
    Transaction zero = tx("a", "1", domain(0));
    assertThat(f.filter(zero)).isSameAs(zero);
    // the state of several domains carried with the position does not change the domain
    var state =
        new MariaDbGtidPosition(List.of(new MariaDbGtid(0, 11, 90), new MariaDbGtid(1, 11, 3)));
    Transaction withState =
        tx("a", "1", new BinlogPosition("binlog.000002", 400, new MariaDbGtid(0, 11, 90), state));
    assertThat(f.filter(withState)).isSameAs(withState);
  }

  @Test
  void aTransactionWithoutDomainIsKeptByDomainRules() {
    Filter keep = filter(Map.of("keep-domains", "0"));
    Transaction none = tx("a", "1", new BinlogPosition("binlog.000002", 400));
    Transaction mysql = tx("a", "1", new MySqlGtid(UUID.randomUUID(), 4));
    Transaction nullPosition = tx("a", "1", null);
    assertThat(keep.filter(none)).isSameAs(none);
    assertThat(keep.filter(mysql)).isSameAs(mysql);
    assertThat(keep.filter(nullPosition)).isSameAs(nullPosition);
    assertThat(keep.filter(tx("a", "1", domain(3)))).isNull();
  }

  @Test
  void everyFragmentGoesTheSameWay() {
    Filter f = filter(Map.of("drop-domains", "1"));
    Transaction t = tx("a", "1", domain(1));
    for (int i = 0; i < 3; i++) {
      Transaction fragment = t.withHeader(t.header().withFragment(i, i == 2));
      assertThat(f.filter(fragment)).isNull();
    }
  }

  @Test
  void kindsCombine() {
    Filter f = filter(Map.of("keep-origins", "east", "drop-domains", "9"));
    assertThat(f.filter(tx("east", "1", domain(9)))).isNull();
    assertThat(f.filter(tx("west", "1", domain(0)))).isNull();
    Transaction kept = tx("east", "1", domain(0));
    assertThat(f.filter(kept)).isSameAs(kept);
  }

  @Test
  void heartbeatsPass() {
    Filter f = filter(Map.of("drop-origins", "*"));
    Transaction hb = RoutingTx.heartbeat(1, "hb");
    assertThat(f.filter(hb)).isSameAs(hb);
  }

  @Test
  void configurationErrors() {
    assertThatThrownBy(() -> filter(Map.of("drop-domains", "1", "keep-domains", "2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter loop (origin): filter.loop.drop-domains and filter.loop.keep-domains are"
                + " both set; use one of them (keep- keeps only what it lists, drop- drops what it"
                + " lists)");
    assertThatThrownBy(() -> filter(Map.of("keep-origins", "a", "drop-origins", "b")))
        .hasMessageContaining("filter.loop.drop-origins and filter.loop.keep-origins are both set");
    assertThatThrownBy(() -> filter(Map.of("drop-domains", "1, x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("filter.loop.drop-domains: 'x' is not a GTID domain id: write whole numbers");
    assertThatThrownBy(() -> filter(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter loop (origin): set at least one of filter.loop.drop-origins,"
                + " filter.loop.keep-origins, filter.loop.drop-server-ids,"
                + " filter.loop.keep-server-ids, filter.loop.drop-domains,"
                + " filter.loop.keep-domains; without them the filter passes everything");
    assertThatThrownBy(() -> filter(Map.of("drop-origins", "a.b")))
        .hasMessage(
            "filter.loop.drop-origins: 'a.b' has too many parts: write service names (* and ? as"
                + " wildcards)");
  }
}

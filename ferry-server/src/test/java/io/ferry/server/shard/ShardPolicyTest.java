package io.ferry.server.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.event.TransactionOptions;
import io.ferry.server.shard.ShardPolicy.Actions;
import io.ferry.server.shard.ShardPolicy.Kind;
import io.ferry.server.shard.ShardPolicy.Side;
import io.ferry.server.shard.ShardPolicy.Verdict;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardPolicyTest {
  private static final HomeMap MAP =
      HomeMapFile.parse("t", "acme s1\npinnacle s2\nscratch #LOCAL\n");
  private static final ShardPolicy.Action A = ShardPolicy.Action.ACCEPT;
  private static final ShardPolicy.Action D = ShardPolicy.Action.DROP;
  private static final ShardPolicy.Action W = ShardPolicy.Action.WARN;
  private static final ShardPolicy.Action E = ShardPolicy.Action.ERROR;

  private static TransactionHeader h(
      long seqno, String origin, String shard, int frag, boolean last) {
    return new TransactionHeader(seqno, 1, frag, last, null, "1", origin, shard, 0, 0, Map.of());
  }

  private static Verdict judge(Side side, String service, Actions a, String origin, String shard) {
    return ShardPolicy.judge(side, service, MAP, a, h(1, origin, shard, 0, true), false);
  }

  @Test
  void aMasterFlagsLocalWritesToShardsHomedElsewhere() {
    Actions a = new Actions(A, W, E);
    assertThat(judge(Side.SOURCE, "s1", a, "s1", "acme")).isNull();
    Verdict v = judge(Side.SOURCE, "s1", a, "s1", "pinnacle");
    assertThat(v).isEqualTo(new Verdict(Kind.ERRANT, E, "pinnacle", "s1", "s2"));
    // relayed from elsewhere: not this server's write
    assertThat(judge(Side.SOURCE, "s1", a, "s3", "pinnacle")).isNull();
    // no origin yet counts as local
    assertThat(judge(Side.SOURCE, "s1", a, "", "pinnacle").kind()).isEqualTo(Kind.ERRANT);
  }

  @Test
  void aSlaveFlagsTransactionsFromTheWrongHome() {
    Actions a = new Actions(A, D, W);
    assertThat(judge(Side.REPLICA, "s2_to_s1", a, "s2", "pinnacle")).isNull();
    assertThat(judge(Side.REPLICA, "s2_to_s1", a, "s2", "acme"))
        .isEqualTo(new Verdict(Kind.WRONG_HOME, D, "acme", "s2", "s1"));
    // the errant-writes action is a master's: a slave never uses it
    assertThat(judge(Side.REPLICA, "s2_to_s1", new Actions(A, A, E), "s2", "acme")).isNull();
  }

  @Test
  void localShardsAreAlwaysDroppedAndUnknownShardsFollowNoHome() {
    for (Side side : Side.values()) {
      assertThat(judge(side, "s1", new Actions(A, A, A), "s1", "scratch"))
          .isEqualTo(new Verdict(Kind.LOCAL_DROPPED, D, "scratch", "s1", HomeMap.LOCAL));
      assertThat(judge(side, "s1", new Actions(A, E, E), "s1", "newdb")).isNull();
      assertThat(judge(side, "s1", new Actions(E, A, A), "s1", "newdb"))
          .isEqualTo(new Verdict(Kind.NO_HOME, E, "newdb", "s1", null));
      assertThat(judge(side, "s1", new Actions(E, A, A), "s1", "#global").kind())
          .isEqualTo(Kind.NO_HOME);
    }
  }

  @Test
  void heartbeatsAndFerryCatalogsAreNeverJudged() {
    Actions strict = new Actions(E, E, E);
    assertThat(
            ShardPolicy.judge(Side.SOURCE, "s1", MAP, strict, h(1, "s1", "newdb", 0, true), true))
        .isNull();
    assertThat(judge(Side.REPLICA, "x", strict, "s1", "ferry_s1_to_s2")).isNull();
  }

  @Test
  void theStopMessageNamesShardSeqnoOriginHomeAndTheFix() {
    String m =
        ShardPolicy.stopMessage(new Verdict(Kind.NO_HOME, E, "superior", "s1", null), "s1", 8);
    assertThat(m)
        .contains("seqno 8", "origin s1", "'superior'", "shard.no-home = error")
        .contains("ferry shard set superior HOME", "ferry online -service s1");
    m = ShardPolicy.stopMessage(new Verdict(Kind.ERRANT, E, "pinnacle", "s1", "s2"), "s1", 9);
    assertThat(m)
        .contains("seqno 9", "'pinnacle'", "home is s2", "ferry shard set pinnacle s1")
        .contains("ferry online -service s1 -skip-seqno 9");
    m =
        ShardPolicy.stopMessage(
            new Verdict(Kind.WRONG_HOME, E, "acme", "s2", "s1"), "s2_to_s3", 10);
    assertThat(m).contains("home is s1", "origin s2", "ferry shard set acme s2");
  }

  // ------------------------------------------------------------------ the filter

  private static final List<ColumnSpec> COLS = List.of(ColumnSpec.of("id", SqlType.INT).asKey());

  private static Transaction tx(long seqno, String origin, String shard, int frag, boolean last) {
    return new Transaction(
        h(seqno, origin, shard, frag, last),
        List.of(RowChanges.full(shard, "t", Action.INSERT, COLS, List.of(Row.insert(1)))));
  }

  private final ShardHomes homes = ShardHomes.inMemory(MAP);
  private final ShardViolations counts = new ShardViolations();
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private ShardHomeFilter filter(Side side, String service, Actions a) {
    return new ShardHomeFilter(side, service, homes, a, counts, clock);
  }

  @Test
  void theFilterPassesDropsCountsAndStops() {
    ShardHomeFilter f = filter(Side.SOURCE, "s1", new Actions(D, W, W));
    Transaction ok = tx(1, "s1", "acme", 0, true);
    assertThat(f.filter(ok)).isSameAs(ok);
    Transaction errant = tx(2, "s1", "pinnacle", 0, true);
    assertThat(f.filter(errant)).isSameAs(errant); // warn: passed on, counted
    assertThat(f.filter(tx(3, "s1", "scratch", 0, true))).isNull();
    assertThat(f.filter(tx(4, "s1", "newdb", 0, true))).isNull(); // no-home = drop
    assertThat(counts.byLabel())
        .containsExactly(
            Map.entry("no-home", 1L),
            Map.entry("wrong-home", 0L),
            Map.entry("errant", 1L),
            Map.entry("local-dropped", 1L));

    ShardHomeFilter strict = filter(Side.REPLICA, "s1_to_s2", new Actions(A, E, A));
    assertThatThrownBy(() -> strict.filter(tx(5, "s2", "acme", 0, true)))
        .isInstanceOf(ShardHomeFilter.ShardHomeException.class)
        .hasMessageContaining("seqno 5")
        .hasMessageContaining("ferry shard set acme s2");
    assertThat(counts.get(Kind.WRONG_HOME)).isEqualTo(1);
  }

  @Test
  void aMapChangeAppliesToTheNextTransaction() {
    ShardHomeFilter f = filter(Side.SOURCE, "s1", new Actions(E, W, W));
    assertThatThrownBy(() -> f.filter(tx(1, "s1", "superior", 0, true)))
        .hasMessageContaining("'superior', which has no home");
    homes.set(new HomeMap.Entry("superior", "s1", false));
    Transaction t = tx(1, "s1", "superior", 0, true);
    assertThat(f.filter(t)).isSameAs(t);
    homes.set(new HomeMap.Entry("superior", HomeMap.LOCAL, false));
    assertThat(f.filter(t)).isNull();
  }

  @Test
  void onlyTheLastFragmentIsJudgedAndAFragmentedDropStops() {
    ShardHomeFilter f = filter(Side.SOURCE, "s1", new Actions(D, W, W));
    Transaction first = tx(7, "s1", "#global", 0, false);
    assertThat(f.filter(first)).isSameAs(first);
    assertThatThrownBy(() -> f.filter(tx(7, "s1", "scratch", 1, true)))
        .hasMessageContaining("cannot be dropped whole")
        .hasMessageContaining("source.fragment-bytes");
  }

  @Test
  void heartbeatsPass() {
    ShardHomeFilter f = filter(Side.SOURCE, "s1", new Actions(E, E, E));
    Transaction hb =
        new Transaction(
            h(1, "s1", "newdb", 0, true).withOption(TransactionOptions.HEARTBEAT, "x"), List.of());
    assertThat(f.filter(hb)).isSameAs(hb);
  }
}

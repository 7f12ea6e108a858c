package io.ferry.mysql.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.position.OpaquePosition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The analysis of a crafted stream: counts, what hurts, and the parallelism bounds exactly. */
class WorkloadAnalysisTest {
  private static final List<ColumnSpec> KEYED =
      List.of(ColumnSpec.of("id", SqlType.INT).asKey(), ColumnSpec.of("v", SqlType.INT));
  private static final List<ColumnSpec> KEYLESS = List.of(ColumnSpec.of("v", SqlType.INT));

  private static Transaction tx(
      long seqno, int fragno, boolean last, String shard, long second, List<Change> changes) {
    return new Transaction(
        new TransactionHeader(
            seqno,
            1,
            fragno,
            last,
            new OpaquePosition("p" + seqno),
            "1",
            "svc",
            shard,
            second * 1_000_000L,
            0,
            Map.of()),
        changes);
  }

  private static RowChanges insert(String schema, List<ColumnSpec> cols, int... ids) {
    Row[] rows = new Row[ids.length];
    for (int i = 0; i < ids.length; i++) {
      rows[i] = cols.size() == 2 ? Row.insert(ids[i], 0) : Row.insert(ids[i]);
    }
    return RowChanges.full(schema, "t", Action.INSERT, cols, List.of(rows));
  }

  @Test
  void countsHurtsAndBounds() {
    WorkloadAnalysis a = new WorkloadAnalysis(2);
    long s = 1_000;
    // seqno 0..3: schema a, disjoint keys; 4: schema b, key 1 of b; 5: a again, key 1 (depends on
    // 0)
    a.add(tx(0, 0, true, "a", s, List.of(insert("a", KEYED, 1))), 100);
    a.add(tx(1, 0, true, "a", s, List.of(insert("a", KEYED, 2))), 100);
    a.add(tx(2, 0, true, "a", s, List.of(insert("a", KEYED, 3))), 100);
    a.add(tx(3, 0, true, "a", s + 1, List.of(insert("a", KEYED, 4))), 100);
    a.add(tx(4, 0, true, "b", s + 1, List.of(insert("b", KEYED, 1))), 100);
    a.add(
        tx(
            5,
            0,
            true,
            "a",
            s + 1,
            List.of(
                RowChanges.full(
                    "a",
                    "t",
                    Action.UPDATE,
                    KEYED,
                    List.of(Row.of(new Object[] {1, 0}, new Object[] {1, 1}))))),
        100);
    // 6: a statement (DDL) runs alone; 7-8: one transaction in two fragments; 9: keyless
    a.add(
        tx(
            6,
            0,
            true,
            "a",
            s + 2,
            List.of(SqlStatement.of("ALTER TABLE a.t ADD x INT", "a", List.of()))),
        100);
    a.add(tx(7, 0, false, "b", s + 2, List.of(insert("b", KEYED, 2))), 100);
    a.add(tx(7, 1, true, "b", s + 2, List.of(insert("b", KEYED, 3))), 100);
    a.add(tx(8, 0, true, "b", s + 2, List.of(insert("b", KEYLESS, 9))), 100);

    Map<String, Object> r = a.report();
    @SuppressWarnings("unchecked")
    Map<String, Object> summary = (Map<String, Object>) r.get("summary");
    assertThat(summary.get("transactions")).isEqualTo(9L);
    assertThat(summary.get("fragments")).isEqualTo(10L);
    assertThat(summary.get("rowChanges")).isEqualTo(9L);
    assertThat(summary.get("peakTransactionsPerSecond")).isEqualTo(3L);
    assertThat(r.get("statements").toString()).contains("ddl ALTER=1");
    assertThat(r.get("hurtsReplication").toString()).contains("ddl", "keyless", "b.t");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> p = (Map<String, Map<String, Object>>) r.get("parallelism");
    // shard: segment 0-5 (a: 5, b: 1) -> 5; DDL alone 1; fragmented 7 alone 1; 8 (b) -> 1: span 8
    assertThat(p.get("shard").get("bound")).isEqualTo(Math.round(9 * 10.0 / 8) / 10.0);
    // key: 0-4 depth 1, 5 depth 2, 6 alone 3, 7 alone 4, 8 keyless alone 5: span 5
    assertThat(p.get("key").get("bound")).isEqualTo(Math.round(9 * 10.0 / 5) / 10.0);
    assertThat(p.get("key").get("ranAloneBecause").toString())
        .contains("statement", "several fragments", "table without a key");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> largest = (List<Map<String, Object>>) r.get("largestTransactions");
    assertThat(largest).hasSize(2);
    assertThat(largest.get(0).get("bytes")).isEqualTo(200L); // the two fragments of seqno 7
  }
}

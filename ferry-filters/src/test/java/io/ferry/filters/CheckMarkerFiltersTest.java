package io.ferry.filters;

import static io.ferry.filters.RoutingTx.insert;
import static io.ferry.filters.RoutingTx.sql;
import static io.ferry.filters.RoutingTx.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Change;
import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.check.ChunkMarker;
import io.ferry.mysql.provision.ProvisionFloors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Check markers through the filters that change what a target gets (a marker of a table a filter
 * keeps out is dropped, a renamed table's marker is renamed), and the floors a provisioning leaves.
 */
class CheckMarkerFiltersTest {
  private static Transaction marker(String schema, String table) {
    ChunkMarker m =
        new ChunkMarker(
            "check-1",
            ChunkMarker.Kind.CHUNK,
            schema,
            table,
            1,
            List.of("id"),
            List.of("cid"),
            List.of("1"),
            List.of("100"),
            "",
            99,
            "00ff");
    Transaction t = tx(5);
    var h = t.header();
    for (Map.Entry<String, String> e : m.options().entrySet()) {
      h = h.withOption(e.getKey(), e.getValue());
    }
    return t.withHeader(h);
  }

  @Test
  void replicateDropsTheMarkersOfTablesItKeepsOut() {
    Filter f =
        new ReplicateFilterFactory()
            .create(
                FilterSettings.defaults("r", "replicate")
                    .with(ReplicateFilterFactory.DO, "app.*")
                    .with(ReplicateFilterFactory.IGNORE, ""));
    assertThat(f.filter(marker("app", "users"))).isNotNull();
    assertThat(f.filter(marker("scratch", "t"))).isNull();
  }

  @Test
  void renameRenamesTheMarkerWithItsTable() {
    Filter f =
        new RenameFilterFactory()
            .create(
                FilterSettings.defaults("ren", "rename")
                    .with(RenameFilterFactory.RULES, "app.users=crm.customers"));
    ChunkMarker m = ChunkMarker.of(f.filter(marker("app", "users")).header().options());
    assertThat(m.qualifiedTable()).isEqualTo("crm.customers");
    assertThat(m.checksum()).isEqualTo("00ff");
    assertThat(ChunkMarker.of(f.filter(marker("app", "other")).header().options()).table())
        .isEqualTo("other");
  }

  private static int kept(Filter f, Transaction tx) {
    Transaction t = f.filter(tx);
    return t == null ? 0 : t.changes().size();
  }

  @Test
  void floorsPassOverWhatEachTablesCopyHolds() {
    // RoutingTx puts transaction N at binlog.000001:(1000 + N)
    ProvisionFloors floors =
        new ProvisionFloors(
            Map.of(
                "app.a", new BinlogPosition("binlog.000001", 1010),
                "app.b", new BinlogPosition("binlog.000001", 1020)));
    assertThat(floors.lowest().offset()).isEqualTo(1010);
    Transaction both = tx(15, insert("app", "a"), insert("app", "b"), insert("app", "c"));
    List<Change> kept = floors.filter(both).changes();
    assertThat(kept).hasSize(2); // app.a is past its floor, app.b is not, app.c has none
    assertThat(kept(floors, tx(10, insert("app", "a")))).isZero(); // at the floor: in the copy
    // at or before the lowest floor, a transaction is passed over whole, whatever it names (a
    // slave starts at its master's seqno, which may come before it)
    assertThat(floors.filter(tx(9, insert("app", "c"), sql("other", "CREATE TABLE t (i INT)"))))
        .isNull();
    assertThat(kept(floors, tx(11, insert("app", "c")))).isEqualTo(1);
    assertThat(kept(floors, tx(12, sql("app", "UPDATE b SET x = 1")))).isZero();
    assertThat(kept(floors, tx(12, sql("app", "UPDATE a SET x = 1")))).isEqualTo(1);
    assertThatThrownBy(() -> floors.filter(tx(12, sql("app", "UPDATE a, b SET a.x = b.x"))))
        .hasMessageContaining("copied before it and after it");
    // past the highest floor nothing is judged any more, whatever comes after (a failover)
    assertThat(kept(floors, tx(21, insert("app", "b")))).isEqualTo(1);
    assertThat(kept(floors, tx(11, insert("app", "b")))).isEqualTo(1);
    ProvisionFloors other =
        new ProvisionFloors(Map.of("app.a", new BinlogPosition("mysql-bin.000001", 1010)));
    assertThatThrownBy(() -> other.filter(tx(5, insert("app", "a"))))
        .hasMessageContaining("the source changed before the service applied past");
    assertThat(floors.passed(new BinlogPosition("binlog.000002", 4))).isTrue();
    assertThat(floors.passed(new BinlogPosition("binlog.000001", 1020))).isFalse();
  }
}

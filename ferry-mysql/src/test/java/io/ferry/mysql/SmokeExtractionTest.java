package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.BinlogPosition;
import io.ferry.testkit.SandboxExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SmokeExtractionTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1);

  @Test
  void extractsRowsWithNamesAndValues() throws Exception {
    BinlogPosition start = Extraction.head(DB.server(1));
    Extraction.sql(
        DB.server(1),
        "CREATE DATABASE s",
        "CREATE TABLE s.t (id INT PRIMARY KEY, y YEAR, u INT UNSIGNED, v VARCHAR(10))",
        "INSERT INTO s.t VALUES (1, 2024, 4000000000, 'abc')",
        "CREATE TABLE s.done (id INT)",
        "INSERT INTO s.done VALUES (1)");
    List<Transaction> txs = Extraction.until(DB.server(1), start, Extraction.marker("s"));
    txs.forEach(t -> System.out.println(t + " " + t.header() + " " + t.changes()));
    RowChanges rc =
        txs.stream()
            .flatMap(t -> t.changes().stream())
            .filter(c -> c instanceof RowChanges r && r.table().equals("t"))
            .map(RowChanges.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(rc.columns().get(2).name()).isEqualTo("u");
    assertThat(rc.columns().get(2).unsigned()).isTrue();
    assertThat(rc.rows().get(0).after(2)).isEqualTo(4000000000L);
    assertThat(rc.rows().get(0).after(1)).isEqualTo(2024L);
    assertThat(rc.rows().get(0).after(3).toString()).isEqualTo("abc");
  }
}

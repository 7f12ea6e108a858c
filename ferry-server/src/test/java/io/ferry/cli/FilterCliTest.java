package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlSettings;
import io.ferry.core.thl.ThlWriter;
import io.ferry.core.value.Text;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry filter test}, {@code ferry filter types} and {@code ferry thl list --filter} on a
 * real log, with a service file whose chain has a built-in filter that drops a schema, one that
 * renames a table, and a Lua script that drops rows by value.
 */
class FilterCliTest {
  @TempDir Path dir;

  private Path thlDir;
  private Path service;

  private static final List<ColumnSpec> COLS =
      List.of(ColumnSpec.of("id", SqlType.INT).asKey(), ColumnSpec.of("note", SqlType.VARCHAR));

  @BeforeEach
  void writeLogAndServiceFile() throws Exception {
    thlDir = dir.resolve("thl");
    try (Thl thl = Thl.open(ThlSettings.defaults(thlDir).withRetention(null, 0))) {
      ThlWriter w = thl.writer();
      for (long s = 0; s < 10; s++) {
        String schema = s % 2 == 0 ? "shop" : "scratch";
        TransactionHeader h =
            new TransactionHeader(
                s,
                1,
                0,
                true,
                new BinlogPosition("binlog.000001", 100 + s),
                "101",
                "alpha",
                schema,
                1_700_000_000_000_000L,
                1_700_000_000_000_000L,
                Map.of());
        List<Row> rows =
            List.of(Row.insert(s * 10, Text.of("a")), Row.insert(s * 10 + 5, Text.of("b")));
        w.append(
            new Transaction(
                h, List.of(RowChanges.full(schema, "orders", Action.INSERT, COLS, rows))));
        w.commit();
      }
    }
    Files.writeString(
        dir.resolve("fives.lua"),
        "function filter(tx)\n"
            + "  for _, c in ipairs(tx.changes) do\n"
            + "    if c.kind == 'rows' then\n"
            + "      for _, r in ipairs(c.rows) do\n"
            + "        if r.after.id % 10 == 5 then r:drop() end\n"
            + "      end\n"
            + "    end\n"
            + "  end\n"
            + "end\n");
    service = dir.resolve("beta.conf");
    Files.write(
        service,
        List.of(
            "service.name = beta",
            "service.role = slave",
            "master.uri = thl://127.0.0.1:2112",
            "target.host = 127.0.0.1",
            "target.user = ferry",
            "apply.filters = scope, names, fives",
            "filter.scope.type = replicate",
            "filter.scope.ignore = scratch",
            "filter.names.type = rename",
            "filter.names.rules = shop.orders=shop.sales",
            "filter.names.statements = default-schema",
            "filter.fives.type = lua",
            "filter.fives.script = fives.lua"));
  }

  @Test
  void filterTestShowsEachTransactionBeforeAndAfterWithEveryFiltersPart() throws Exception {
    CliRunner.Result r =
        CliRunner.run(
            "filter",
            "test",
            "--config",
            service.toString(),
            "--thl",
            thlDir.toString(),
            "--low",
            "0",
            "--high",
            "1");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("==== BEFORE")
        .contains("shop.orders INSERT, 2 rows")
        .containsPattern("-> scope: unchanged in [0-9.]+ ms")
        .containsPattern("-> names: changed in [0-9.]+ ms")
        .containsPattern("-> fives: changed in [0-9.]+ ms")
        .contains("shop.sales INSERT, 1 row")
        .containsPattern("-> scope: dropped in [0-9.]+ ms")
        .contains("==== AFTER: dropped by filter scope")
        .contains("FILTER")
        .contains("PER TX");
    // the summary: scope saw 2 and dropped 1; names and fives saw only what scope passed
    assertThat(r.out()).containsPattern("scope\\s+replicate\\s+2\\s+0\\s+1");
    assertThat(r.out()).containsPattern("fives\\s+lua\\s+1\\s+1\\s+0");

    CliRunner.Result json =
        CliRunner.run(
            "filter",
            "test",
            "--config",
            service.toString(),
            "--thl",
            thlDir.toString(),
            "--seqno",
            "3",
            "--json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonNode doc = new ObjectMapper().readTree(json.out().lines().findFirst().orElseThrow());
    assertThat(doc.get("seqno").asLong()).isEqualTo(3);
    assertThat(doc.get("after").isNull()).isTrue();
    assertThat(doc.get("droppedBy").asText()).isEqualTo("scope");
    assertThat(doc.get("filters")).hasSize(1);
  }

  @Test
  void thlListThroughAChainAndTheTypes() {
    CliRunner.Result list =
        CliRunner.run(
            "thl",
            "list",
            "--dir",
            thlDir.toString(),
            "--low",
            "2",
            "--high",
            "3",
            "--filter",
            service.toString());
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out())
        .contains("SEQ# 2 / FRAG# 0 (last)")
        .contains("shop.sales INSERT, 1 row")
        .contains("id=20")
        .doesNotContain("id=25")
        .contains("SEQ# 3 / FRAG# 0  DROPPED by filter scope");

    CliRunner.Result types = CliRunner.run("filter", "types");
    assertThat(types.out()).contains("replicate").contains("lua").contains("javascript");
    CliRunner.Result rename = CliRunner.run("filter", "types", "rename");
    assertThat(rename.out()).contains("filter.<name>.rules").contains("filter.<name>.file");
    CliRunner.Result none = CliRunner.run("filter", "types", "nosuch");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("no filter type nosuch; the types are: ");
  }

  @Test
  void aBrokenChainIsAUsageErrorWithItsLine() throws Exception {
    Files.writeString(dir.resolve("fives.lua"), "function filter(tx)\n  if then\nend\n");
    CliRunner.Result r =
        CliRunner.run("filter", "test", "--config", service.toString(), "--thl", thlDir.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(service + ":12: filter fives (lua): ").contains("fives.lua:2");
  }

  @Test
  void filterTestReadsASandboxServersBinlog() throws Exception {
    Path home = Files.createTempDirectory(Path.of("/tmp"), "ferry-filter-cli-");
    Files.setPosixFilePermissions(
        home, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    try {
      CliRunner.Result created =
          CliRunner.run(
              "sandbox", "create", "--name", "ft", "--servers", "1", "--home", home.toString());
      assertThat(created.code()).as(created.err()).isZero();
      CliRunner.Result sql =
          CliRunner.run(
              "sandbox",
              "sql",
              "ft",
              "--account",
              "root",
              "--home",
              home.toString(),
              "-e",
              "CREATE DATABASE shop; CREATE TABLE shop.orders (id INT PRIMARY KEY, note"
                  + " VARCHAR(9)); INSERT INTO shop.orders VALUES (10, 'x'), (15, 'y');"
                  + " CREATE DATABASE scratch;");
      assertThat(sql.code()).as(sql.err()).isZero();
      CliRunner.Result r =
          CliRunner.run(
              "filter",
              "test",
              "--config",
              service.toString(),
              "--sandbox",
              "ft",
              "--home",
              home.toString(),
              "--json");
      assertThat(r.code()).as(r.err()).isZero();
      List<JsonNode> docs = new java.util.ArrayList<>();
      for (String line : r.out().lines().toList()) {
        docs.add(new ObjectMapper().readTree(line));
      }
      // seqnos from 0, in binlog order: the insert is renamed and loses row 15; scratch is dropped
      assertThat(docs).extracting(d -> d.get("seqno").asLong()).containsExactly(0L, 1L, 2L, 3L);
      JsonNode rows = null;
      for (JsonNode c : docs.get(2).get("after").get("changes")) {
        if (c.get("type").asText().equals("rows")) {
          assertThat(c.get("table").asText()).isEqualTo("sales");
          rows = c.get("rows");
        }
      }
      assertThat(rows).isNotNull().hasSize(1);
      assertThat(rows.get(0).get("after").get("id").asLong()).isEqualTo(10);
      assertThat(docs.get(3).get("droppedBy").asText()).isEqualTo("scope");
    } finally {
      CliRunner.run("sandbox", "destroy", "--all", "--home", home.toString());
      home.toFile().delete();
    }
  }
}

package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Gap;
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
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ferry thl} on a real log. */
class ThlCliTest {
  @TempDir Path dir;

  private static final List<ColumnSpec> COLS =
      List.of(ColumnSpec.of("id", SqlType.INT).asKey(), ColumnSpec.of("note", SqlType.VARCHAR));

  @BeforeEach
  void writeLog() {
    ThlSettings settings =
        ThlSettings.defaults(dir).withSegmentBytes(8 << 10).withRetention(null, 0);
    try (Thl thl = Thl.open(settings)) {
      ThlWriter w = thl.writer();
      for (long s = 0; s < 200; s++) {
        if (s == 50) {
          w.append(new Gap(50, 50, 1, null, 0, "dropped by filter X"));
          continue;
        }
        TransactionHeader h =
            new TransactionHeader(
                s,
                1,
                0,
                true,
                new BinlogPosition("binlog.000001", 100 + s),
                "101",
                "alpha",
                "shop",
                1_700_000_000_000_000L,
                1_700_000_000_000_000L,
                Map.of());
        w.append(
            new Transaction(
                h,
                List.of(
                    RowChanges.full(
                        "shop",
                        "orders",
                        Action.INSERT,
                        COLS,
                        List.of(Row.insert(s, Text.of("it's #" + s)))))));
        w.commit();
      }
    }
  }

  private CliRunner.Result thl(String... args) {
    String[] full = new String[args.length + 3];
    full[0] = "thl";
    System.arraycopy(args, 0, full, 1, args.length);
    full[args.length + 1] = "--dir";
    full[args.length + 2] = dir.toString();
    return CliRunner.run(full);
  }

  @Test
  void infoListAndCheck() throws Exception {
    CliRunner.Result info = thl("info");
    assertThat(info.code()).as(info.err()).isZero();
    assertThat(info.out()).contains("seqnos     0 to 199").contains("sealed").contains("open");

    CliRunner.Result one = thl("list", "--seqno", "7");
    assertThat(one.out())
        .contains("SEQ# 7 / FRAG# 0 (last)  EPOCH# 1")
        .contains("POSITION   binlog binlog.000001:107")
        .contains("shop.orders INSERT, 1 row")
        .contains("id=7, note='it''s #7'");

    CliRunner.Result headers = thl("list", "--low", "48", "--high", "52", "--headers");
    assertThat(headers.out().lines()).hasSize(6);
    assertThat(headers.out()).contains("50-50").contains("gap");

    CliRunner.Result sql = thl("list", "--low", "49", "--high", "51", "--sql");
    assertThat(sql.out())
        .startsWith("SET SESSION time_zone = '+00:00', sql_mode = 'NO_AUTO_VALUE_ON_ZERO,")
        // the applier's own literals: text as hex with its character set
        .contains(
            "INSERT INTO `shop`.`orders` (`id`, `note`) VALUES (49, _utf8mb4 X'6974277320233439');")
        .contains("-- seqnos 50 to 50: dropped by filter X");

    CliRunner.Result json = thl("list", "--seqno", "3", "--json");
    JsonNode doc = Json.mapper().readTree(json.out());
    assertThat(doc.get("seqno").asLong()).isEqualTo(3);
    assertThat(doc.at("/changes/0/rows/0/after/note").asText()).isEqualTo("it's #3");

    CliRunner.Result check = thl("check");
    assertThat(check.code()).isZero();
    assertThat(check.out()).startsWith("OK: 200 records, seqnos 0 to 199");

    assertThat(thl("list", "--low", "9", "--high", "3").code()).isEqualTo(Cli.EXIT_USAGE);
    assertThat(CliRunner.run("thl", "info", "--dir", dir.resolve("nope").toString()).err())
        .contains("there is no THL directory");
  }

  @Test
  void checkReportsTheFirstDamagedRecordPrecisely() throws Exception {
    Path second;
    try (Stream<Path> files = Files.list(dir)) {
      second = files.filter(p -> p.toString().endsWith(".seg")).sorted().toList().get(1);
    }
    try (RandomAccessFile raf = new RandomAccessFile(second.toFile(), "rw")) {
      raf.seek(300);
      int b = raf.read();
      raf.seek(300);
      raf.write(b ^ 0x10);
    }
    CliRunner.Result check = thl("check");
    assertThat(check.code()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(check.out())
        .contains("DAMAGED: THL corruption in " + second)
        .containsPattern("at byte offset \\d+ \\(the record for seqno \\d+\\)");
    CliRunner.Result json = thl("check", "--json");
    assertThat(Json.mapper().readTree(json.out()).get("ok").asBoolean()).isFalse();
  }

  @Test
  void purgeIsADryRunWithoutYesAndRefusedWhileInUse() throws Exception {
    CliRunner.Result dry = thl("purge", "--before", "100");
    assertThat(dry.code()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(dry.out()).startsWith("Would delete segments holding seqnos 0 to");
    assertThat(thl("info").out()).contains("seqnos     0 to 199");

    CliRunner.Result head = thl("purge", "--before", "100", "--yes");
    assertThat(head.code()).as(head.err()).isZero();
    CliRunner.Result tail = thl("purge", "--after", "150", "--yes");
    assertThat(tail.out()).contains("the log then ends at seqno 150");
    assertThat(thl("info").out()).containsPattern("seqnos     \\d+ to 150");

    try (Thl inUse = Thl.open(ThlSettings.defaults(dir).withRetention(null, 0))) {
      CliRunner.Result refused = thl("purge", "--all", "--yes");
      assertThat(refused.code()).isEqualTo(Cli.EXIT_FAILED);
      assertThat(refused.err()).contains("refusing to purge").contains("a running service uses it");
      assertThat(inUse.lastSeqno()).hasValue(150);
    }
    assertThat(thl("purge", "--all", "--yes").code()).isZero();
    assertThat(thl("list").out()).contains("is empty");
  }

  @Test
  void indexesCanBeRebuilt() {
    CliRunner.Result rebuilt = thl("index", "--rebuild");
    assertThat(rebuilt.code()).as(rebuilt.err()).isZero();
    assertThat(rebuilt.out()).contains("rebuilt the index of").contains(".idx (");
    assertThat(thl("check").code()).isZero();
  }

  /** Flips one byte of a segment file. */
  private static void flip(Path file, long offset) throws Exception {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset);
      int b = raf.read();
      raf.seek(offset);
      raf.write(b ^ 0x10);
    }
  }

  private List<Path> segmentFiles() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }

  @ParameterizedTest
  @CsvSource({
    "older record, 1, 300",
    "older header, 1, 20",
    "newest record, -1, 300",
    "newest header, -1, 20",
    "torn tail, -1, -10"
  })
  void everyDamageNamesTheCutThatRepairsIt(String what, int segment, long offset) throws Exception {
    List<Path> segs = segmentFiles();
    Path damaged = segs.get(segment < 0 ? segs.size() + segment : segment);
    flip(damaged, offset < 0 ? Files.size(damaged) + offset : offset);

    if (what.endsWith("header")) {
      CliRunner.Result info = thl("info");
      assertThat(info.code()).as(info.err()).isEqualTo(Cli.EXIT_FAILED);
      assertThat(info.out())
          .contains("DAMAGED")
          .contains(damaged.getFileName().toString())
          .contains("ferry thl purge --dir");
    }
    CliRunner.Result check = thl("check");
    assertThat(check.code()).as(what + ": " + check.out()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(check.out()).doesNotContain("every checksum verified");
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("ferry thl purge --dir (\\S+) --after (-?\\d+) --yes")
            .matcher(check.out());
    assertThat(m.find()).as(what + ": the command in " + check.out()).isTrue();
    assertThat(Path.of(m.group(1))).isEqualTo(dir.toAbsolutePath());
    long keep = Long.parseLong(m.group(2));

    CliRunner.Result dry = thl("purge", "--after", Long.toString(keep));
    assertThat(dry.code()).as(what + ": " + dry.err()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(dry.out()).startsWith("Would ").contains("ends at seqno " + keep);
    CliRunner.Result cut = thl("purge", "--after", Long.toString(keep), "--yes");
    assertThat(cut.code()).as(what + ": " + cut.err()).isZero();
    assertThat(cut.out()).contains("The log now holds seqnos 0 to " + keep);

    CliRunner.Result again = thl("check");
    assertThat(again.code()).as(what + ": " + again.out()).isZero();
    assertThat(again.out()).contains("seqnos 0 to " + keep);
    try (Thl thl = Thl.open(ThlSettings.defaults(dir).withRetention(null, 0))) {
      assertThat(thl.lastSeqno()).hasValue(keep);
      ThlWriter w = thl.writer();
      w.append(new Gap(keep + 1, keep + 1, 2, null, 0, "fetched again"));
      w.commit();
    }
  }
}

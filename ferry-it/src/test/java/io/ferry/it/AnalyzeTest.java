package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Json;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry analyze} of a sandbox's binlog agrees with {@code mariadb-binlog} over the same
 * files: transactions (GTID events) and, per table, the rows inserted, updated and deleted; it
 * names a table without a key and the DDL; its HTML report holds the same tables.
 */
class AnalyzeTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(1);

  @TempDir Path dir;

  @Test
  void countsAgreeWithMariadbBinlog() throws Exception {
    SandboxServer s = db.server(1);
    List<String> sql = new ArrayList<>();
    sql.add("CREATE DATABASE an");
    sql.add("CREATE TABLE an.t1 (id INT PRIMARY KEY, v VARCHAR(20))");
    sql.add("CREATE TABLE an.t2 (v INT)");
    for (int tx = 0; tx < 5; tx++) {
      StringBuilder values = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        values.append(i == 0 ? "" : ",").append("(").append(tx * 10 + i).append(", 'x')");
      }
      sql.add("INSERT INTO an.t1 VALUES " + values);
    }
    sql.add("UPDATE an.t1 SET v = 'y' WHERE id < 20");
    sql.add("DELETE FROM an.t1 WHERE id >= 40");
    sql.add("INSERT INTO an.t2 VALUES (1), (2), (3), (4), (5), (6), (7)");
    sql.add("ALTER TABLE an.t1 ADD COLUMN w INT");
    sql.add("UPDATE an.t2 SET v = v + 1 WHERE v > 5");
    Sql.run(s, sql.toArray(String[]::new));

    Path html = dir.resolve("report.html");
    String out =
        ReplicatorFixture.raw(
                "analyze",
                "--sandbox",
                db.sandbox().name() + ":1",
                "--sandbox-home",
                db.sandboxes().home().toString(),
                "--json",
                "--html",
                html.toString())
            .out();
    JsonNode r = Json.mapper().readTree(out);

    // the oracle: mariadb-binlog over the same files
    Map<String, long[]> expected = new TreeMap<>();
    long gtids = 0;
    Pattern row = Pattern.compile("^### (INSERT INTO|UPDATE|DELETE FROM) `([^`]+)`\\.`([^`]+)`");
    for (String line : mariadbBinlog(s)) {
      Matcher m = row.matcher(line);
      if (m.find()) {
        long[] c = expected.computeIfAbsent(m.group(2) + "." + m.group(3), k -> new long[3]);
        c[m.group(1).startsWith("INSERT") ? 0 : m.group(1).startsWith("UPDATE") ? 1 : 2]++;
      } else if (line.matches(".*\\bGTID \\d+-\\d+-\\d+.*")) {
        gtids++;
      }
    }
    assertThat(expected.get("an.t1")).containsExactly(50, 20, 10);
    assertThat(expected.get("an.t2")).containsExactly(7, 2, 0);
    Map<String, long[]> analyzed = new TreeMap<>();
    for (JsonNode t : r.get("tables")) {
      analyzed.put(
          t.get("table").asText(),
          new long[] {
            t.get("inserted").asLong(), t.get("updated").asLong(), t.get("deleted").asLong()
          });
    }
    assertThat(analyzed.keySet()).isEqualTo(expected.keySet());
    expected.forEach((table, c) -> assertThat(analyzed.get(table)).as(table).containsExactly(c));
    assertThat(r.get("summary").get("transactions").asLong()).isEqualTo(gtids);
    assertThat(r.get("summary").get("rowChanges").asLong())
        .isEqualTo(expected.values().stream().mapToLong(c -> c[0] + c[1] + c[2]).sum());

    Map<String, JsonNode> hurts = new TreeMap<>();
    r.get("hurtsReplication").forEach(h -> hurts.put(h.get("kind").asText(), h));
    assertThat(hurts.get("ddl").get("count").asLong()).isEqualTo(4); // database, 2 tables, alter
    assertThat(hurts.get("ddl").get("first").asText()).contains("CREATE DATABASE an");
    assertThat(hurts.get("keyless").get("first").asText()).contains("an.t2");
    assertThat(hurts.get("keyless").get("count").asLong()).isEqualTo(2); // insert, update
    // one schema: every transaction in one shard, so nothing runs beside another; by key, the
    // inserts of an.t1 are apart, while DDL and the keyless table run alone
    assertThat(r.get("parallelism").get("shard").get("bound").asDouble()).isEqualTo(1.0);
    assertThat(r.get("parallelism").get("key").get("bound").asDouble()).isGreaterThan(1.0);
    assertThat(r.get("parallelism").get("key").get("ranAloneBecause").toString())
        .contains("table without a key");
    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertThat(page).contains("<svg id=\"chart\"", "an.t1", "an.t2", "What hurts replication");
    screenshot(html);

    // the same files read from the directory give the same counts
    JsonNode fromFiles =
        Json.mapper()
            .readTree(
                ReplicatorFixture.raw(
                        "analyze",
                        "--files",
                        s.dataDir().toString(),
                        "--schema-from",
                        db.sandbox().name() + ":1",
                        "--sandbox-home",
                        db.sandboxes().home().toString(),
                        "--json")
                    .out());
    assertThat(fromFiles.get("tables")).isEqualTo(r.get("tables"));
    assertThat(fromFiles.get("summary").get("transactions"))
        .isEqualTo(r.get("summary").get("transactions"));

    // the text report names the same
    String text =
        ReplicatorFixture.raw(
                "analyze",
                "--sandbox",
                db.sandbox().name() + ":1",
                "--sandbox-home",
                db.sandboxes().home().toString())
            .out();
    assertThat(text).contains("an.t1", "NONE", "Parallelism");
  }

  @Test
  void whatCannotBeReadIsSaid() {
    ReplicatorFixture.Result r =
        ReplicatorFixture.raw("analyze", "--thl", dir.resolve("nope").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("there is no THL directory");
    ReplicatorFixture.Result both =
        ReplicatorFixture.raw("analyze", "--thl", dir.toString(), "--url", "mysql://x@y:1");
    assertThat(both.code()).isEqualTo(2);
  }

  /**
   * The report as headless Chromium renders it, kept as a build artifact
   * (ferry-it/target/analyze-report.png): a page of the window's size with ink on it.
   */
  private static void screenshot(Path html) throws Exception {
    Path png = Path.of("target", "analyze-report.png").toAbsolutePath();
    Files.deleteIfExists(png);
    Process p =
        new ProcessBuilder(
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=1200,1600",
                "--screenshot=" + png,
                html.toUri().toString())
            .redirectErrorStream(true)
            .redirectOutput(Path.of("target", "chromium.log").toFile())
            .start();
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not render " + html + " within 60 s");
    }
    assertThat(p.exitValue())
        .as(Files.readString(Path.of("target", "chromium.log"), StandardCharsets.UTF_8))
        .isZero();
    java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1200);
    long ink = 0;
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        if ((image.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
          ink++;
        }
      }
    }
    assertThat(ink).as("pixels that are not white in " + png).isGreaterThan(5_000);
  }

  private static List<String> mariadbBinlog(SandboxServer s) throws Exception {
    List<String> files = new ArrayList<>();
    for (List<String> f : Sql.rows(s, "SHOW BINARY LOGS")) {
      files.add(s.dataDir().resolve(f.get(0)).toString());
    }
    List<String> cmd =
        new ArrayList<>(List.of("mariadb-binlog", "-v", "--base64-output=DECODE-ROWS"));
    cmd.addAll(files);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(all).isZero();
    return all.lines().toList();
  }
}

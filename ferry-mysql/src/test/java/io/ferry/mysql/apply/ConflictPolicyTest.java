package io.ferry.mysql.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.mysql.apply.ConflictPolicy.Detection;
import io.ferry.mysql.apply.ConflictPolicy.Resolution;
import io.ferry.mysql.apply.ConflictPolicy.Rule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConflictPolicyTest {
  @Test
  void rulesParseWithTheirColumnAndResolution() {
    List<String> problems = new ArrayList<>();
    Rule r =
        ConflictPolicy.parseRule("Timestamp( updated_at ) NEWER", Resolution.STOP, "f", problems);
    assertThat(problems).isEmpty();
    assertThat(r).isEqualTo(new Rule(Detection.TIMESTAMP, "updated_at", Resolution.NEWER));
    assertThat(ConflictPolicy.parseRule("before-image", Resolution.PRIORITY, "f", problems))
        .isEqualTo(new Rule(Detection.BEFORE_IMAGE, null, Resolution.PRIORITY));
    assertThat(r.toString()).isEqualTo("timestamp(updated_at) newer");
  }

  @Test
  void badRulesAreAllReportedWithWhereAndWhatToWrite() {
    List<String> problems = new ArrayList<>();
    ConflictPolicy.parseRule("sometimes", Resolution.STOP, "a.conf:3: apply.conflicts", problems);
    ConflictPolicy.parseRule("timestamp", Resolution.STOP, "a.conf:3: apply.conflicts", problems);
    ConflictPolicy.parseRule("key(id)", Resolution.STOP, "a.conf:3: apply.conflicts", problems);
    ConflictPolicy.parseRule("key newer", Resolution.STOP, "a.conf:3: apply.conflicts", problems);
    ConflictPolicy.parseRule("key whoever", Resolution.STOP, "a.conf:3: apply.conflicts", problems);
    assertThat(problems).hasSize(5).allMatch(p -> p.startsWith("a.conf:3: apply.conflicts: "));
    assertThat(problems.get(0)).contains("'sometimes' is not a detection", "before-image");
    assertThat(problems.get(1)).contains("timestamp needs its column: timestamp(COLUMN)");
    assertThat(problems.get(2)).contains("key takes no column");
    assertThat(problems.get(3)).contains("'newer' needs a timestamp(COLUMN) or version(COLUMN)");
    assertThat(problems.get(4)).contains("'whoever' is not a resolution");
  }

  @Test
  void tableRulesMatchByPatternFirstWinsAndCommasInsideParenthesesStay() {
    List<String> problems = new ArrayList<>();
    List<ConflictPolicy.TableRule> tables =
        ConflictPolicy.parseTables(
            "shop.orders = timestamp(updated_at) newer, shop.log_* = none, *.t? = key target",
            Resolution.STOP,
            "f",
            problems);
    assertThat(problems).isEmpty();
    ConflictPolicy p =
        new ConflictPolicy(
            new Rule(Detection.BEFORE_IMAGE, null, Resolution.STOP),
            tables,
            List.of(),
            null,
            true,
            new ConflictTally());
    assertThat(p.ruleFor("shop", "orders").detection()).isEqualTo(Detection.TIMESTAMP);
    assertThat(p.ruleFor("SHOP", "Log_2026").detects()).isFalse();
    assertThat(p.ruleFor("x", "t1").resolution()).isEqualTo(Resolution.TARGET);
    assertThat(p.ruleFor("x", "t12").detection()).isEqualTo(Detection.BEFORE_IMAGE);
    assertThat(p.enabled()).isTrue();
    ConflictPolicy.parseTables("orders = key, shop. = key", Resolution.STOP, "f", problems);
    assertThat(problems).hasSize(2).allMatch(m -> m.contains("write schema.table = RULE"));
  }

  @Test
  void priorityRanksListedOriginsFirstAndUnlistedLast() {
    ConflictPolicy p =
        new ConflictPolicy(
            Rule.NONE, List.of(), List.of("fra", "nyc"), "nyc", true, new ConflictTally());
    assertThat(p.rank("fra")).isZero();
    assertThat(p.rank("nyc")).isEqualTo(1);
    assertThat(p.rank("sjc")).isEqualTo(2);
    assertThat(p.rank(null)).isEqualTo(2);
    assertThat(p.enabled()).isFalse();
    assertThat(Resolution.NEWER.agreesEverywhere()).isTrue();
    assertThat(Resolution.TARGET.agreesEverywhere()).isFalse();
  }

  @Test
  void checksCompareTextByItsBytesPlainWhenThatIsSafe() {
    StringBuilder sb = new StringBuilder();
    RowStatements.sameBytes(sb, "c", text("utf8mb4", "12-34 ab"));
    assertThat(sb).hasToString("`c` = BINARY '12-34 ab'");
    for (String[] hex :
        new String[][] {
          {"utf8mb4", "it's"}, {"utf8mb4", "a\\b"}, {"utf8mb4", "caf\u00e9"}, {"utf16", "ab"}
        }) {
      StringBuilder h = new StringBuilder();
      RowStatements.sameBytes(h, "c", text(hex[0], hex[1]));
      assertThat(h.toString()).startsWith("`c` = BINARY X'");
    }
    StringBuilder n = new StringBuilder();
    RowStatements.sameBytes(n, "c", null);
    assertThat(n).hasToString("`c` <=> NULL");
  }

  private static io.ferry.core.value.Text text(String charset, String s) {
    java.nio.charset.Charset cs =
        charset.equals("utf16")
            ? java.nio.charset.StandardCharsets.UTF_16BE
            : java.nio.charset.StandardCharsets.UTF_8;
    return io.ferry.core.value.Text.wrap(s.getBytes(cs), charset);
  }
}

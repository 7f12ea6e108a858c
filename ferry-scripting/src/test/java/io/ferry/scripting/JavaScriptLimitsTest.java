package io.ferry.scripting;

import static io.ferry.scripting.Fixtures.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No JavaScript built-in holds the stage thread past the budget (by more than 2x + 1s) or makes
 * more than a bounded amount in one call, and the guarded built-ins still behave as before.
 */
class JavaScriptLimitsTest {
  private static final Duration BUDGET = Duration.ofMillis(500);
  private static final long GRACE_MS = 2 * BUDGET.toMillis() + 1000;

  @TempDir Path dir;

  private Filter js(String body) {
    Path p = Fixtures.write(dir, "s.js", body);
    FilterSettings s = Fixtures.settings("javascript", p).with(ScriptFilterFactory.BUDGET, BUDGET);
    return Fixtures.factory("javascript").create(s);
  }

  private static final String MILLION =
      "var a = [];\n for (var i = 0; i < 1000000; i++) { a[i] = (i * 7919) % 1000003; }\n";

  private void stoppedInTime(String body) {
    Filter f = js(body);
    long start = System.nanoTime();
    assertThatThrownBy(() -> f.filter(tx(42)))
        .isInstanceOf(ScriptFilterException.class)
        .hasMessageContaining("was stopped at seqno 42: it ran longer than its time budget");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(GRACE_MS);
  }

  @Test
  void sortWithAComparatorIsStoppedWithinTheBudget() {
    // a comparator without a loop never reached Rhino's instruction observer
    stoppedInTime(
        "function filter(tx) {\n" + MILLION + " a.sort(function(x, y) { return x - y; });\n}");
  }

  @Test
  void callbacksOfOtherBuiltInsAreStoppedWithinTheBudget() {
    stoppedInTime(
        "function filter(tx) {\n"
            + MILLION
            + " for (;;) { a = a.map(function(x) { return x + 1; }); }\n}");
  }

  @Test
  void sortWithoutAComparatorIsStoppedWithinTheBudget() {
    // Rhino's own default order converts both elements to text at every comparison: seconds
    stoppedInTime("function filter(tx) {\n" + MILLION + " a.sort();\n}");
  }

  private void refused(String body, String message) {
    Filter f = js(body);
    assertThatThrownBy(() -> f.filter(tx(42)))
        .isInstanceOf(ScriptFilterException.class)
        .hasMessageContaining("seqno 42, line 2: RangeError: " + message);
  }

  @Test
  void oneCallMakesNoHugeArrayStringOrBuffer() {
    refused(
        "function filter(tx) {\n new Array(5e6).fill(1).sort(function(x, y) { return x - y; });\n}",
        "Array.prototype.fill on an array of 5000000 elements: Ferry scripts may handle arrays of"
            + " at most 1048576 elements");
    refused(
        "function filter(tx) {\n var s = 'x'.repeat(4e8);\n}",
        "String.prototype.repeat would make a string of 400000000 characters: Ferry scripts may"
            + " make strings of at most 16777216 characters in one call");
    refused(
        "function filter(tx) {\n var s = 'x'.padStart(2e7, 'ab');\n}",
        "String.prototype.padStart would make a string of 20000000 characters");
    refused(
        "function filter(tx) {\n var s = new Array(1000000).join('abcdefghijklmnopq');\n}",
        "Array.prototype.join would make a string of 16999983 characters");
    refused(
        "function filter(tx) {\n var b = new ArrayBuffer(Math.pow(2, 30));\n}",
        "ArrayBuffer of 1073741824 bytes: Ferry scripts may make buffers of at most 16777216 bytes");
    refused(
        "function filter(tx) {\n var b = new Float64Array(4e6);\n}",
        "Float64Array of 32000000 bytes");
  }

  @Test
  void aGlobalArrayCannotGrowWithoutBound() {
    Filter f =
        js(
            "var kept = [];\nfunction filter(tx) {\n for (var i = 0; i < 300000; i++) kept.push(i);\n}");
    for (int call = 0; call < 3; call++) {
      f.filter(tx(42));
    }
    assertThatThrownBy(() -> f.filter(tx(42)))
        .isInstanceOf(ScriptFilterException.class)
        .hasMessageContaining(
            "line 3: RangeError: Array.prototype.push made an array of 1048577 elements");
  }

  private String probe(String expr) {
    Path p =
        Fixtures.write(
            dir, "p.js", "function filter(tx) {\n tx.setShard(String(" + expr + "));\n}");
    return Fixtures.filter("javascript", p).filter(tx(42)).header().shard();
  }

  @Test
  void guardedBuiltInsBehaveAsBefore() {
    assertThat(probe("[10, 9, 1, 'b', 'a', undefined, null, true, , 'B'].sort()"))
        .isEqualTo("1,10,9,B,a,b,,true,,");
    assertThat(probe("[3, 1, 2].sort(function(x, y) { return y - x; }).join('-')"))
        .isEqualTo("3-2-1");
    assertThat(probe("[3, 1, 2].toSorted()")).isEqualTo("1,2,3");
    assertThat(probe("'ab'.repeat(3) + 'x'.padStart(3, '-') + 'y'.padEnd(2)"))
        .isEqualTo("ababab--xy ");
    assertThat(probe("Array.prototype.map.name + [].push.length + typeof Array.prototype.sort"))
        .isEqualTo("map1function");
    assertThat(
            probe(
                "new Uint8Array(4) instanceof Uint8Array && Uint8Array.BYTES_PER_ELEMENT === 1"
                    + " && Uint8Array.from([1, 2]).length === 2 && new ArrayBuffer(8).byteLength"))
        .isEqualTo("8");
    assertThat(
            probe(
                "(function() { try { Array.prototype.sort = null; return 'changed'; }"
                    + " catch (e) { return 'sealed'; } })()"))
        .isEqualTo("sealed");
  }
}

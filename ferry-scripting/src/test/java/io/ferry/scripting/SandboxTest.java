package io.ferry.scripting;

import static io.ferry.scripting.Fixtures.customer;
import static io.ferry.scripting.Fixtures.customers;
import static io.ferry.scripting.Fixtures.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.pipeline.Retriable;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Escapes refused, budgets enforced, errors located: each with file, line and seqno. */
class SandboxTest {
  @TempDir Path dir;

  private Path js(String body) {
    return Fixtures.write(dir, "s.js", body);
  }

  private Path lua(String body) {
    return Fixtures.write(dir, "s.lua", body);
  }

  private Filter make(String type, Path script, Duration budget) {
    FilterSettings s = Fixtures.settings(type, script).with(ScriptFilterFactory.BUDGET, budget);
    return Fixtures.factory(type).create(s);
  }

  private void refused(String type, Path script, String... parts) {
    Filter f = Fixtures.filter(type, script);
    assertThatThrownBy(() -> f.filter(tx(42, customers(customer(1, "a@b.c", "ok")))))
        .isInstanceOf(ScriptFilterException.class)
        .isNotInstanceOf(Retriable.class)
        .hasMessageContaining("filter f1: script " + script)
        .hasMessageContaining("seqno 42")
        .hasMessageContaining(parts[0])
        .hasMessageContainingAll(parts);
  }

  @Test
  void endlessLoopIsStoppedWithinTheBudget() {
    for (Path p :
        new Path[] {
          js("function filter(tx) {\n while (true) { try { for(;;){} } catch (e) {} }\n}"),
          lua(
              "function filter(tx)\n while true do pcall(function() while true do end end) end\nend")
        }) {
      String type = p.toString().endsWith(".lua") ? "lua" : "javascript";
      Filter f = make(type, p, Duration.ofMillis(200));
      long start = System.nanoTime();
      assertThatThrownBy(() -> f.filter(tx(42, customers())))
          .isInstanceOf(ScriptFilterException.class)
          .isNotInstanceOf(Retriable.class)
          .hasMessage(
              "filter f1: script "
                  + p
                  + " was stopped at seqno 42: it ran longer than its time budget (budget 200ms)."
                  + " Fix the script, or raise filter.f1.budget");
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1500);
      assertThat(f.budgetUsed()).isEqualTo(1.0);
    }
  }

  @Test
  void instructionLimit() {
    Path p = lua("function filter(tx)\n local i = 0\n while true do i = i + 1 end\nend");
    Filter f =
        new LuaFilterFactory()
            .create(Fixtures.settings("lua", p).with(ScriptFilterFactory.INSTRUCTIONS, 10_000L));
    assertThatThrownBy(() -> f.filter(tx(42)))
        .hasMessageContaining("it ran more than 10000 instructions")
        .hasMessageEndingWith("raise filter.f1.instructions");
  }

  @Test
  void throwingNamesFileLineSeqnoAndMessage() {
    refused(
        "javascript",
        js("function filter(tx) {\n\n  throw new Error('no way');\n}"),
        "line 3: Error: no way");
    refused("lua", lua("function filter(tx)\n\n  error('no way')\nend"), "line 3: no way");
  }

  @Test
  void returningAValueIsRefused() {
    refused(
        "javascript",
        js("function filter(tx) { return false; }"),
        "filter() returned false; return nothing; to drop use tx.drop()");
    refused(
        "lua",
        lua("function filter(tx) return true end"),
        "filter() returned true; return nothing; to drop use tx.drop()");
  }

  /** Evaluates an expression in a fresh filter's {@code filter(tx)} and returns it as text. */
  private String probe(String type, String expr) {
    Path p =
        type.equals("lua")
            ? lua("function filter(tx)\n tx:setShard(tostring(" + expr + "))\nend")
            : js("function filter(tx) {\n tx.setShard(String(" + expr + "));\n}");
    return Fixtures.filter(type, p).filter(tx(42)).header().shard();
  }

  private static final String NOT_AVAILABLE =
      " is not available to Ferry scripts (no files, network, processes, host classes or code"
          + " loading); see docs/filters.md";

  // Each refusal names what only the sandbox refuses: in a Rhino scope made with
  // initStandardObjects() "java" and "Packages" are defined (and java.io.File runs), and in a LuaJ
  // with the standard globals io, os, load and luajava work.

  @Test
  void hostClassesAreOutOfReach() {
    refused(
        "javascript",
        js("function filter(tx) {\n java.lang.System.exit(1);\n}"),
        "line 2: ReferenceError: \"java\" is not defined");
    refused(
        "javascript",
        js("function filter(tx) {\n Packages.java.io.File('x');\n}"),
        "line 2: ReferenceError: \"Packages\" is not defined");
    refused(
        "javascript",
        js("function filter(tx) {\n new java.io.File('/etc/passwd').exists();\n}"),
        "line 2: ReferenceError: \"java\" is not defined");
    refused(
        "javascript",
        js("function filter(tx) {\n tx.getClass().forName('java.lang.Runtime');\n}"),
        "line 2: TypeError: Cannot find function getClass.");
    // Java.type is Nashorn's; Rhino never had it, sandboxed or not
    refused(
        "javascript",
        js("function filter(tx) {\n Java.type('java.io.File');\n}"),
        "line 2: ReferenceError: \"Java\" is not defined");
    refused(
        "lua",
        lua("function filter(tx)\n luajava.bindClass('java.lang.System')\nend"),
        "line 2: luajava" + NOT_AVAILABLE);
  }

  @Test
  void javaScriptSeesNoHostObjectsWhateverTheRoute() {
    for (String global :
        new String[] {"java", "javax", "Packages", "JavaImporter", "getClass", "load", "require"}) {
      assertThat(probe("javascript", "typeof " + global)).as(global).isEqualTo("undefined");
    }
    // the global object reached through Function and through a host object's prototype
    assertThat(probe("javascript", "typeof this.constructor.constructor('return this')().java"))
        .isEqualTo("undefined");
    assertThat(
            probe(
                "javascript",
                "(function() { try { return typeof Object.getPrototypeOf(tx).constructor"
                    + ".constructor('return Packages')(); } catch (e) { return e; } })()"))
        .isEqualTo("ReferenceError: \"Packages\" is not defined.");
    assertThat(probe("javascript", "Object.getPrototypeOf(tx) === Object.prototype"))
        .isEqualTo("true");
    assertThat(probe("javascript", "typeof tx.getClass + typeof tx.changes.getClass"))
        .isEqualTo("undefinedundefined");
    // a caught error carries no Java exception a script could reflect on
    assertThat(
            probe(
                "javascript",
                "(function() { try { undefined.x; } catch (e) {"
                    + " return typeof e.javaException + typeof e.rhinoException; } })()"))
        .isEqualTo("undefinedundefined");
  }

  @Test
  void luaSeesNoHostLibrariesWhateverTheRoute() {
    assertThat(probe("lua", "getmetatable('')")).isEqualTo("false");
    assertThat(probe("lua", "select(2, pcall(function() return rawget(_G, 'io').open end))"))
        .contains("io" + NOT_AVAILABLE);
    assertThat(probe("lua", "select(2, pcall(load, 'return 1'))")).contains("load" + NOT_AVAILABLE);
    assertThat(probe("lua", "type(string.dump) .. type(('').dump)")).isEqualTo("nilnil");
    // a script's string table is its own: emptying it leaves the methods of strings alone
    assertThat(probe("lua", "(function() string.upper = nil return ('x'):upper() end)()"))
        .isEqualTo("X");
    assertThat(probe("lua", "select(2, pcall(function() return debug.getinfo end))"))
        .contains("debug" + NOT_AVAILABLE);
    assertThat(probe("lua", "select(2, pcall(function() return os.getenv('HOME') end))"))
        .contains("os" + NOT_AVAILABLE);
  }

  @Test
  void hookLookupsRunNoScriptCode() {
    // a metatable on the globals (or a getter on the JavaScript global) would otherwise run script
    // code when the host looks for prepare and release, outside any budget
    Path l =
        lua(
            "seen = ''\n"
                + "setmetatable(_G, {__index = function(t, k) rawset(_G, 'seen', seen .. k) end})\n"
                + "function filter(tx) tx:setShard('seen:' .. rawget(_G, 'seen')) end");
    assertThat(Fixtures.filter("lua", l).filter(tx(42)).header().shard()).isEqualTo("seen:");
    Path j =
        js(
            "var seen = '';\n"
                + "Object.defineProperty(this, 'prepare', {get: function() { seen += 'prepare'; }});\n"
                + "function filter(tx) { tx.setShard('seen:' + seen); }");
    assertThat(Fixtures.filter("javascript", j).filter(tx(42)).header().shard()).isEqualTo("seen:");
  }

  @Test
  void filesSocketsProcessesAndLoadingAreOutOfReach() {
    // Rhino has no load or require outside its shell, sandboxed or not
    refused(
        "javascript",
        js("function filter(tx) {\n load('/etc/passwd');\n}"),
        "line 2: ReferenceError: \"load\" is not defined");
    refused(
        "javascript",
        js("function filter(tx) {\n new java.net.Socket('localhost', 22);\n}"),
        "line 2: ReferenceError: \"java\" is not defined");
    refused(
        "javascript",
        js("function filter(tx) {\n require('fs');\n}"),
        "line 2: ReferenceError: \"require\" is not defined");
    for (String[] c :
        new String[][] {
          {"io", "io.open('/etc/passwd')"},
          {"os", "os.execute('ls')"},
          {"dofile", "dofile('/etc/passwd')"},
          {"loadfile", "loadfile('/etc/passwd')"},
          {"load", "load('return 1')"},
          {"require", "require('socket')"},
          {"debug", "debug.sethook()"},
          {"coroutine", "coroutine.create(function() end)"},
        }) {
      refused(
          "lua", lua("function filter(tx)\n " + c[1] + "\nend"), "line 2: " + c[0] + NOT_AVAILABLE);
    }
    refused(
        "lua",
        lua("function filter(tx)\n getmetatable('').__index.upper = nil\nend"),
        "line 2: attempt to index ? (a boolean value)");
  }

  @Test
  void objectModelMisuseNamesColumnAndLine() {
    refused(
        "javascript",
        js("function filter(tx) {\n tx.changes[0].rows[0].after.nope = 1;\n}"),
        "line 2: the after image of a row of a rows change on shop.customers has no column 'nope'"
            + " (it carries [id, email, status])");
    refused(
        "lua",
        lua("function filter(tx)\n tx.changes[1].rows[1].after.id = 'x'\nend"),
        "line 2: column 'id' (int) cannot take 'x'");
    // text that is not text is an error naming the column, never a silent '?' or U+FFFD
    refused(
        "javascript",
        js("function filter(tx) {\n tx.changes[0].rows[0].after.email = 'a\\uD800b';\n}"),
        "line 2: column 'email'",
        "cannot hold U+D800 at index 1");
    refused(
        "lua",
        lua("function filter(tx)\n tx.changes[1].rows[1].after.email = '\\255\\254'\nend"),
        "line 2: column 'email'",
        "the bytes are not UTF-8 text");
  }

  @Test
  void configErrorsNameFileLineAndKey() {
    Path bad = js("function filter(tx) {\n  if (\n}");
    assertThatThrownBy(() -> Fixtures.filter("javascript", bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(bad + ":3: ")
        .hasMessageEndingWith("(filter.f1.script)");
    Path badLua = lua("function filter(tx)\n  if then\nend");
    assertThatThrownBy(() -> Fixtures.filter("lua", badLua))
        .hasMessageStartingWith(badLua + ":2: ")
        .hasMessageEndingWith("(filter.f1.script)");
    Path none = lua("function other() end");
    assertThatThrownBy(() -> Fixtures.filter("lua", none))
        .hasMessage(
            none + " defines no function filter(tx); a lua filter needs one (filter.f1.script)");
    Path missing = dir.resolve("missing.lua");
    assertThatThrownBy(() -> Fixtures.filter("lua", missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot read the script " + missing + " named by filter.f1.script");
  }
}

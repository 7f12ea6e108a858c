package io.ferry.scripting;

import static io.ferry.scripting.Fixtures.customer;
import static io.ferry.scripting.Fixtures.customers;
import static io.ferry.scripting.Fixtures.tx;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.pipeline.Filter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors the JVM raises inside a script (stack overflow, heap exhausted) and errors of the host
 * binding reach the user as the usual configuration error or {@link ScriptFilterException}, with
 * the file, the line where known and the seqno, never as a bare {@code Error} on the stage thread.
 */
class ScriptErrorsTest {
  @TempDir Path dir;

  private Path write(String name, String body) {
    return Fixtures.write(dir, name, body);
  }

  @Test
  void luaRecursionAtTopLevelIsAConfigurationErrorWithTheLine() {
    Path p =
        write(
            "s.lua",
            "-- recurses\nlocal function f(n) return f(n+1)+1 end f(0)\nfunction filter(tx) end");
    assertThatThrownBy(() -> Fixtures.filter("lua", p))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(p + ":2: stack overflow (recursion too deep")
        .hasMessageEndingWith("(filter.f1.script)");
  }

  @Test
  void javaScriptStackOverflowAtTopLevelIsAConfigurationError() {
    // toString calling itself through a host conversion recurses on the Java stack, past Rhino's
    // interpreter depth limit
    Path p =
        write(
            "s.js",
            "var o = {}; o.toString = function() { return '' + o; };\n'' + o;\nfunction filter(tx) {}");
    assertThatThrownBy(() -> Fixtures.filter("javascript", p))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(p + ": stack overflow (recursion too deep) (filter.f1.script)");
  }

  @Test
  void luaRecursionInFilterNamesTheLineOfTheRecursiveCall() {
    Path p =
        write(
            "s.lua",
            "local function f(n)\n  local x = 1\n  return f(n + 1) + x\nend\n"
                + "function filter(tx)\n  f(0)\nend");
    Filter f = Fixtures.filter("lua", p);
    assertThatThrownBy(() -> f.filter(tx(42, customers(customer(1, "a@b.c", "ok")))))
        .isInstanceOf(ScriptFilterException.class)
        .hasMessageStartingWith(
            "filter f1: script "
                + p
                + " failed at seqno 42, line 3: stack overflow (recursion too deep");
  }

  @Test
  void luaStackOverflowCanBeCaughtAndDepthIsCountedAgainAfterwards() {
    Path p =
        write(
            "s.lua",
            "local function f(n) return f(n + 1) + 1 end\n"
                + "local function g(n) if n == 0 then return 0 end return g(n - 1) + 1 end\n"
                + "function filter(tx)\n"
                + "  local ok, e = pcall(f, 0)\n"
                + "  assert(not ok and e:find('stack overflow'), tostring(e))\n"
                + "  assert(g(150) == 150)\n"
                + "  error('reached the end')\n"
                + "end");
    Filter f = Fixtures.filter("lua", p);
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> f.filter(tx(42)))
          .hasMessageEndingWith("seqno 42, line 7: reached the end");
    }
  }

  @Test
  void javaScriptStackOverflowInFilterIsAScriptFilterException() {
    Path p =
        write(
            "s.js",
            "function filter(tx) {\n var o = {}; o.toString = function() { return '' + o; };\n '' + o;\n}");
    Filter f = Fixtures.filter("javascript", p);
    assertThatThrownBy(() -> f.filter(tx(42)))
        .isInstanceOf(ScriptFilterException.class)
        .hasMessage(
            "filter f1: script " + p + " failed at seqno 42, stack overflow (recursion too deep)");
  }

  /** A host object with a member no binding has a form for, as a host bug would make one. */
  private static HostObject odd() {
    return new HostObject() {
      @Override
      Object get(String key) {
        return key.equals("odd") ? new Object() : null;
      }

      @Override
      java.util.List<String> keys() {
        return java.util.List.of("odd");
      }

      @Override
      String what() {
        return "an odd object";
      }
    };
  }

  /** A filter whose script is given {@link #odd()} instead of the transaction. */
  private static ScriptFilter givenOdd(Path file, ScriptRuntime runtime, Budget budget) {
    ScriptRuntime odd =
        new ScriptRuntime() {
          @Override
          public boolean has(String hook) {
            return runtime.has(hook);
          }

          @Override
          public String call(String hook, HostObject arg) {
            return runtime.call(hook, odd());
          }

          @Override
          public void close() {
            runtime.close();
          }
        };
    return new ScriptFilter("f1", file, Duration.ofSeconds(2), 0, Map.of(), budget, odd);
  }

  @Test
  void hostBindingErrorsNameTheFileLineAndSeqno() {
    Budget budget = new Budget(2_000_000_000L, 0);
    Path js = write("s.js", "function filter(o) {\n  var v = o.odd;\n}");
    ScriptFilter f =
        givenOdd(
            js,
            new RhinoRuntime("function filter(o) {\n  var v = o.odd;\n}", "s.js", budget),
            budget);
    assertThatThrownBy(() -> f.filter(tx(42)))
        .isInstanceOf(ScriptFilterException.class)
        .hasMessage(
            "filter f1: script "
                + js
                + " failed at seqno 42, line 2: Ferry could not give the script a value: no"
                + " JavaScript form for java.lang.Object");
    Path lua = write("s.lua", "function filter(o)\n  local v = o.odd\nend");
    ScriptFilter l =
        givenOdd(
            lua,
            new LuaRuntime("function filter(o)\n  local v = o.odd\nend", "s.lua", budget),
            budget);
    assertThatThrownBy(() -> l.filter(tx(42)))
        .isInstanceOf(ScriptFilterException.class)
        .hasMessageStartingWith("filter f1: script " + lua + " failed at seqno 42, line 2: ")
        .hasMessageContaining("no Lua form for java.lang.Object");
  }

  /** A runtime whose every call fails as the JVM would. */
  private static ScriptRuntime failing(Error e) {
    return new ScriptRuntime() {
      @Override
      public boolean has(String hook) {
        return true;
      }

      @Override
      public String call(String hook, HostObject arg) {
        throw e;
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void outOfMemoryInACallIsAScriptFilterException() {
    Path p = write("s.lua", "function filter(tx) end");
    ScriptFilter f =
        new ScriptFilter(
            "f1",
            p,
            Duration.ofSeconds(2),
            0,
            Map.of(),
            new Budget(2_000_000_000L, 0),
            failing(new OutOfMemoryError("Java heap space")));
    assertThatThrownBy(() -> f.filter(tx(42)))
        .isInstanceOf(ScriptFilterException.class)
        .hasMessage(
            "filter f1: script " + p + " failed at seqno 42, ran out of memory (Java heap space)");
  }

  @Test
  void outOfMemoryAtTopLevelIsAConfigurationError() {
    Path p = write("s.lua", "function filter(tx) end");
    ScriptFilterFactory factory =
        new ScriptFilterFactory() {
          @Override
          public String type() {
            return "lua";
          }

          @Override
          public String summary() {
            return "test";
          }

          @Override
          ScriptRuntime compile(String source, String fileName, Budget budget) {
            throw new OutOfMemoryError("Java heap space");
          }
        };
    assertThatThrownBy(() -> factory.create(Fixtures.settings("lua", p)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(p + ": ran out of memory (Java heap space) (filter.f1.script)");
  }
}

package io.ferry.scripting;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.Bit32Lib;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * A Lua script in LuaJ, sandboxed: the base, string, table, math and bit32 libraries only, without
 * {@code load}, {@code loadstring}, {@code dofile}, {@code loadfile}, {@code require}, {@code
 * package}, {@code io}, {@code os}, {@code debug}, {@code luajava}, {@code coroutine} (LuaJ runs
 * coroutines on threads), {@code collectgarbage}, {@code print} and {@code string.dump}; {@code
 * find}, {@code match}, {@code gmatch}, {@code gsub} and {@code rep} are Ferry's ({@link
 * LuaStringFunctions}), which keep to the budget and a size limit. The budget is a debug hook the
 * host installs in the globals' hidden slot, which no script can reach. The string metatable every
 * LuaJ script shares is frozen, so one script cannot change another's strings. Used by one thread
 * at a time.
 */
final class LuaRuntime implements ScriptRuntime {
  private static final Pattern LOCATED =
      Pattern.compile("(?s)^(?:\\[string \"[^\"]*\"\\]|[^:\\n]*):(\\d+):? (.*)$");
  private static final String[] REMOVED = {
    "load",
    "loadstring",
    "dofile",
    "loadfile",
    "require",
    "package",
    "collectgarbage",
    "print",
    "debug",
    "io",
    "os",
    "luajava",
    "coroutine",
    "module"
  };
  private static final Object STRING_LOCK = new Object();
  private static volatile LuaValue frozenStringMeta;

  /**
   * The most nested Lua calls, as Lua's own limit on nested C calls: LuaJ runs each Lua call on the
   * Java stack, which overflows after a few hundred calls on a small thread stack.
   */
  static final int MAX_DEPTH = 200;

  private final Globals globals;
  private final Hook meter;

  /** Compiles and runs the script's top level within the budget. */
  LuaRuntime(String source, String chunkName, Budget budget) {
    this.meter = new Hook(budget);
    this.globals = sandbox(meter);
    LuaValue chunk;
    try {
      chunk = globals.load(source, chunkName);
    } catch (LuaError e) {
      throw error(e);
    } catch (StackOverflowError | OutOfMemoryError e) {
      throw ScriptError.fatal(e, 0);
    }
    budget.start();
    Budget before = LuaStringFunctions.enter(budget);
    try {
      chunk.call();
    } catch (LuaError e) {
      throw error(e);
    } catch (StackOverflowError | OutOfMemoryError e) {
      throw ScriptError.fatal(e, 0);
    } finally {
      LuaStringFunctions.exit(before);
      budget.stop();
    }
  }

  private static Globals sandbox(Hook hook) {
    Globals g = new Globals();
    g.load(new BaseLib());
    g.load(new PackageLib());
    g.load(new Bit32Lib());
    g.load(new TableLib());
    synchronized (STRING_LOCK) {
      g.load(new StringLib());
      LuaStringFunctions.install(g.get("string"));
      LuaString.s_metatable = frozenStringMeta(g.get("string"));
    }
    g.load(new JseMathLib());
    LoadState.install(g);
    LuaC.install(g);
    g.get("string").set("dump", LuaValue.NIL);
    for (String name : REMOVED) {
      g.set(name, new Refused(name));
    }
    g.debuglib = hook;
    return g;
  }

  private static LuaValue frozenStringMeta(LuaValue stringLib) {
    LuaValue m = frozenStringMeta;
    if (m == null) {
      LuaTable functions = new LuaTable();
      for (Varargs e = stringLib.next(LuaValue.NIL);
          !e.arg1().isnil();
          e = stringLib.next(e.arg1())) {
        if (!e.arg1().tojstring().equals("dump")) {
          functions.rawset(e.arg1(), e.arg(2));
        }
      }
      LuaTable meta = new LuaTable();
      meta.rawset(LuaValue.INDEX, new Frozen(functions));
      meta.rawset(LuaValue.METATABLE, LuaValue.FALSE);
      m = meta;
      frozenStringMeta = m;
    }
    return m;
  }

  @Override
  public boolean has(String hook) {
    // raw: a metatable on the globals must not run script code outside the budget
    return globals.rawget(hook).isfunction();
  }

  @Override
  public String call(String hook, HostObject arg) {
    LuaValue f = globals.rawget(hook);
    Varargs out;
    meter.depth = 0;
    Budget before = LuaStringFunctions.enter(meter.budget);
    try {
      out = arg == null ? f.invoke() : f.invoke(LuaBinding.toLua(arg));
    } catch (LuaError e) {
      throw error(e);
    } catch (StackOverflowError | OutOfMemoryError e) {
      throw ScriptError.fatal(e, 0);
    } finally {
      LuaStringFunctions.exit(before);
    }
    return out.narg() == 0 ? null : out.arg1().tojstring();
  }

  private static ScriptError error(LuaError e) {
    String m = e.getMessage() == null ? "error" : e.getMessage().strip();
    Matcher at = LOCATED.matcher(m);
    if (at.matches()) {
      return new ScriptError(at.group(2), Integer.parseInt(at.group(1)), e);
    }
    return new ScriptError(m, 0, e);
  }

  @Override
  public void close() {
    globals.debuglib = null;
  }

  /**
   * The budget hook: counts instructions and nested calls, skips the debug library's call
   * bookkeeping. Too deep a recursion is a Lua error thrown as the call is entered, so the caller's
   * frame puts its line on it ("s.lua:3: stack overflow ...") and {@code pcall} can catch it, as in
   * Lua itself.
   */
  private static final class Hook extends DebugLib {
    final Budget budget;
    private int count;
    int depth;

    Hook(Budget budget) {
      this.budget = budget;
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
      if (++count >= 256) {
        int n = count;
        count = 0;
        budget.tick(n);
      }
    }

    @Override
    public void onCall(LuaFunction f) {
      depth++;
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
      if (depth >= MAX_DEPTH) {
        throw new LuaError(
            "stack overflow (recursion too deep: more than " + MAX_DEPTH + " nested calls)");
      }
      depth++;
    }

    @Override
    public void onReturn() {
      if (depth > 0) {
        depth--;
      }
    }

    @Override
    public String traceback(int level) {
      return "";
    }
  }

  /**
   * What a removed library or function is in the sandbox: calling or indexing it is an error that
   * names it, so a script's author learns why rather than reading "attempt to index nil".
   */
  private static final class Refused extends LuaTable {
    private final String name;

    Refused(String name) {
      this.name = name;
    }

    private LuaError refuse() {
      return new LuaError(
          name
              + " is not available to Ferry scripts (no files, network, processes, host classes"
              + " or code loading); see docs/filters.md");
    }

    @Override
    public LuaValue get(LuaValue key) {
      throw refuse();
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
      throw refuse();
    }

    @Override
    public LuaValue call() {
      throw refuse();
    }

    @Override
    public LuaValue call(LuaValue a) {
      throw refuse();
    }

    @Override
    public LuaValue call(LuaValue a, LuaValue b) {
      throw refuse();
    }

    @Override
    public LuaValue call(LuaValue a, LuaValue b, LuaValue c) {
      throw refuse();
    }

    @Override
    public Varargs invoke(Varargs args) {
      throw refuse();
    }
  }

  /** A table no script can change (the shared string functions). */
  private static final class Frozen extends LuaTable {
    private final LuaTable inner;

    Frozen(LuaTable inner) {
      this.inner = inner;
    }

    @Override
    public LuaValue get(LuaValue key) {
      return inner.get(key);
    }

    @Override
    public LuaValue rawget(LuaValue key) {
      return inner.get(key);
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
      throw new LuaError("the string library is shared and cannot be changed");
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
      set(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
      throw new LuaError("the string library is shared and cannot be changed");
    }

    @Override
    public Varargs next(LuaValue key) {
      return inner.next(key);
    }
  }
}

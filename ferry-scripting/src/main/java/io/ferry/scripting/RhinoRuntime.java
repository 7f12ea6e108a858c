package io.ferry.scripting;

import org.mozilla.javascript.Context;
import org.mozilla.javascript.ContextFactory;
import org.mozilla.javascript.Function;
import org.mozilla.javascript.RhinoException;
import org.mozilla.javascript.Script;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;
import org.mozilla.javascript.Undefined;
import org.mozilla.javascript.WrappedException;
import org.mozilla.javascript.debug.DebugFrame;
import org.mozilla.javascript.debug.DebuggableScript;
import org.mozilla.javascript.debug.Debugger;

/**
 * A JavaScript script in Rhino, sandboxed: the safe standard objects only (no {@code Packages},
 * {@code java}, {@code JavaImporter}, {@code getClass}; Rhino has no {@code load} outside its
 * shell), a class shutter that shows scripts no host class, interpreted mode so that the budget
 * observer sees every instruction, and a bounded interpreter stack. Used by one thread at a time.
 */
final class RhinoRuntime implements ScriptRuntime {
  private static final ContextFactory FACTORY = new SandboxFactory();

  private final Scriptable scope;
  private final Budget budget;
  private final RhinoBinding binding;

  /** Compiles and runs the script's top level within the budget. */
  RhinoRuntime(String source, String fileName, Budget budget) {
    this.budget = budget;
    Context cx = enter();
    try {
      ScriptableObject global = cx.initSafeStandardObjects(null, false);
      RhinoLimits.install(global);
      seal(global);
      scope = global;
      binding = new RhinoBinding(scope);
      Script script;
      try {
        script = cx.compileString(source, fileName, 1, null);
      } catch (RhinoException e) {
        throw error(e);
      } catch (StackOverflowError | OutOfMemoryError e) {
        throw ScriptError.fatal(e, 0);
      }
      budget.start();
      try {
        script.exec(cx, scope, scope);
      } catch (RhinoException e) {
        throw error(e);
      } catch (StackOverflowError | OutOfMemoryError e) {
        throw ScriptError.fatal(e, 0);
      } finally {
        budget.stop();
      }
    } finally {
      Context.exit();
    }
  }

  /**
   * Seals the standard constructors and their prototypes, as {@code initSafeStandardObjects(scope,
   * true)} would, after {@link RhinoLimits} has put its guards in ({@code globalThis} is the global
   * itself, which stays open for the script's own names).
   */
  private static void seal(ScriptableObject global) {
    for (Object id : global.getAllIds()) {
      if (id instanceof String name
          && global.get(name, global) instanceof ScriptableObject o
          && o != global) {
        o.sealObject();
        if (o.get("prototype", o) instanceof ScriptableObject p) {
          p.sealObject();
        }
      }
    }
  }

  private Context enter() {
    Context cx = FACTORY.enterContext();
    cx.putThreadLocal(Budget.class, budget);
    return cx;
  }

  @Override
  public boolean has(String hook) {
    // an own data property only: a getter (or one on Object.prototype) would run script code
    // outside the budget
    ScriptableObject global = (ScriptableObject) scope;
    return global.getGetterOrSetter(hook, 0, global, false) == Undefined.instance
        && global.get(hook, global) instanceof Function;
  }

  @Override
  public String call(String hook, HostObject arg) {
    Context cx = enter();
    try {
      Object hooked = ScriptableObject.getProperty(scope, hook);
      if (!(hooked instanceof Function f)) {
        throw new ScriptError(
            hook
                + " is no longer a function (the script assigned "
                + Context.toString(hooked)
                + " to it): keep "
                + hook
                + " a function",
            0,
            null);
      }
      Object[] args = arg == null ? new Object[0] : new Object[] {binding.toJs(arg)};
      Object out = f.call(cx, scope, scope, args);
      return out instanceof Undefined ? null : Context.toString(out);
    } catch (RhinoException e) {
      throw error(e);
    } catch (IllegalStateException e) {
      // the binding turns its failures into script errors; this is the net for any it misses
      throw new ScriptError(e.getMessage(), 0, e);
    } catch (StackOverflowError | OutOfMemoryError e) {
      throw ScriptError.fatal(e, 0);
    } finally {
      Context.exit();
    }
  }

  private static ScriptError error(RhinoException e) {
    String message = e.details();
    if (e instanceof WrappedException w && w.getWrappedException() != null) {
      message = String.valueOf(w.getWrappedException().getMessage());
    }
    return new ScriptError(message, Math.max(0, e.lineNumber()), e);
  }

  @Override
  public void close() {}

  /**
   * Checks the budget as functions are entered. The instruction observer alone misses a function
   * that a built-in calls in a loop ({@code sort}'s comparator, {@code map}'s callback): Rhino adds
   * a frame's instructions to the count only at jumps, so a callback without a loop or branch never
   * reaches the observer however often it is called. Every interpreted frame asks the debugger for
   * a frame; this one answers none (so nothing else changes) and checks the time every {@value
   * #EVERY} entries.
   */
  private static final class CallMeter implements Debugger {
    private static final int EVERY = 64;
    private int calls;

    @Override
    public DebugFrame getFrame(Context cx, DebuggableScript fnOrScript) {
      if (++calls >= EVERY) {
        calls = 0;
        if (cx.getThreadLocal(Budget.class) instanceof Budget budget) {
          budget.check();
        }
      }
      return null;
    }
  }

  /** Makes sandboxed contexts and forwards instruction counts to the running call's budget. */
  private static final class SandboxFactory extends ContextFactory {
    @Override
    protected Context makeContext() {
      Context cx = super.makeContext();
      cx.setLanguageVersion(Context.VERSION_ES6);
      cx.setInterpretedMode(true);
      cx.setInstructionObserverThreshold(1000);
      cx.setMaximumInterpreterStackDepth(2000);
      cx.setClassShutter(className -> false);
      cx.setDebugger(new CallMeter(), null);
      return cx;
    }

    @Override
    protected boolean hasFeature(Context cx, int featureIndex) {
      if (featureIndex == Context.FEATURE_ENHANCED_JAVA_ACCESS) {
        return false;
      }
      return super.hasFeature(cx, featureIndex);
    }

    @Override
    protected void observeInstructionCount(Context cx, int instructionCount) {
      Object b = cx.getThreadLocal(Budget.class);
      if (b instanceof Budget budget) {
        budget.tick(instructionCount);
      }
    }
  }
}

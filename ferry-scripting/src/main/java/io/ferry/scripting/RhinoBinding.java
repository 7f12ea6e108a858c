package io.ferry.scripting;

import org.mozilla.javascript.BaseFunction;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.NativeArray;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;
import org.mozilla.javascript.Undefined;
import org.mozilla.javascript.typedarrays.NativeTypedArrayView;

/**
 * The object model in JavaScript (Rhino): host objects appear as objects whose properties read and
 * write the host, lists as arrays (fresh copies: changing them changes nothing), methods as
 * functions, binary values as arrays of numbers 0 to 255. Host misuse becomes a JavaScript error
 * with the script's line. One per script scope; used by one thread.
 */
final class RhinoBinding {
  private final Scriptable scope;

  RhinoBinding(Scriptable scope) {
    this.scope = scope;
  }

  Object toJs(Object v) {
    if (v == null || v instanceof String || v instanceof Integer || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof HostObject h) {
      if (h.peer == null) {
        h.peer = new HostScriptable(h);
      }
      return h.peer;
    }
    if (v instanceof HostList l) {
      if (l.peer == null) {
        Object[] items = new Object[l.size()];
        for (int i = 0; i < items.length; i++) {
          items[i] = toJs(l.get(i));
        }
        l.peer = Context.getCurrentContext().newArray(scope, items);
      }
      return l.peer;
    }
    if (v instanceof byte[] b) {
      Object[] items = new Object[b.length];
      for (int i = 0; i < b.length; i++) {
        items[i] = b[i] & 0xff;
      }
      return Context.getCurrentContext().newArray(scope, items);
    }
    if (v instanceof HostFunction f) {
      return new FunctionScriptable(f);
    }
    throw new IllegalStateException("no JavaScript form for " + v.getClass().getName());
  }

  static Object fromJs(Object v) {
    if (v == null || v instanceof Undefined) {
      return null;
    }
    if (v instanceof CharSequence s) {
      return s.toString();
    }
    if (v instanceof Integer || v instanceof Double || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof NativeTypedArrayView<?> t) {
      byte[] b = new byte[t.size()];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) Context.toNumber(t.get(i));
      }
      return b;
    }
    if (v instanceof NativeArray a) {
      return bytes(a);
    }
    throw new ScriptUsageException("an object cannot be stored in a column or passed here");
  }

  private static byte[] bytes(NativeArray a) {
    byte[] b = new byte[(int) a.getLength()];
    for (int i = 0; i < b.length; i++) {
      Object e = a.get(i);
      double d = e instanceof Number n ? n.doubleValue() : -1;
      if (d < 0 || d > 255 || d != Math.rint(d)) {
        throw new ScriptUsageException(
            "bytes are arrays of numbers 0 to 255; element " + i + " is " + Context.toString(e));
      }
      b[i] = (byte) d;
    }
    return b;
  }

  static RuntimeException error(ScriptUsageException e) {
    return Context.reportRuntimeError(e.getMessage());
  }

  /**
   * A host failure (a value the binding has no form for) as a script error raised where the script
   * stands, so that the message gets the script's line, and the filter its file and seqno.
   */
  static RuntimeException error(IllegalStateException e) {
    return Context.reportRuntimeError("Ferry could not give the script a value: " + e.getMessage());
  }

  /** A host object as a JavaScript object. */
  final class HostScriptable extends ScriptableObject {
    private static final long serialVersionUID = 1L;
    private final transient HostObject host;

    HostScriptable(HostObject host) {
      super(scope, ScriptableObject.getObjectPrototype(scope));
      this.host = host;
    }

    @Override
    public String getClassName() {
      return "Object";
    }

    @Override
    public Object get(String name, Scriptable start) {
      try {
        Object v = host.get(name);
        if (v == null) {
          return host.has(name) ? null : NOT_FOUND;
        }
        return toJs(v);
      } catch (IllegalStateException e) {
        throw error(e);
      }
    }

    @Override
    public boolean has(String name, Scriptable start) {
      return host.has(name) || host.get(name) != null;
    }

    @Override
    public void put(String name, Scriptable start, Object value) {
      try {
        host.set(name, fromJs(value));
      } catch (ScriptUsageException e) {
        throw error(e);
      }
    }

    @Override
    public void delete(String name) {
      throw Context.reportRuntimeError(
          "'" + name + "' cannot be deleted from " + host.what() + "; to drop use its drop()");
    }

    @Override
    public Object[] getIds() {
      return host.keys().toArray();
    }

    @Override
    public String toString() {
      return "[" + host.what() + "]";
    }
  }

  /** A method as a JavaScript function. */
  final class FunctionScriptable extends BaseFunction {
    private static final long serialVersionUID = 1L;
    private final transient HostFunction f;

    FunctionScriptable(HostFunction f) {
      super(scope, ScriptableObject.getFunctionPrototype(scope));
      this.f = f;
    }

    @Override
    public Object call(Context cx, Scriptable callScope, Scriptable thisObj, Object[] args) {
      Object[] neutral = new Object[args.length];
      try {
        for (int i = 0; i < args.length; i++) {
          neutral[i] = fromJs(args[i]);
        }
        Object out = f.call(neutral);
        return out == null ? Undefined.instance : toJs(out);
      } catch (ScriptUsageException e) {
        throw error(e);
      } catch (IllegalStateException e) {
        throw error(e);
      }
    }
  }
}

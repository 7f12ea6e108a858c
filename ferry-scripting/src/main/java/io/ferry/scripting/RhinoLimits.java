package io.ferry.scripting;

import org.mozilla.javascript.BaseFunction;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.Function;
import org.mozilla.javascript.NativeArray;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;
import org.mozilla.javascript.Undefined;

/**
 * Bounds on what one call of a JavaScript built-in may do, since the budget is checked only between
 * interpreter instructions and at function entries, never inside a built-in's own Java loop. Array
 * methods refuse an array (or array-like) longer than {@value #MAX_ELEMENTS} elements, and refuse
 * to leave one longer than that (so {@code push} cannot grow a global array without bound); {@code
 * repeat}, {@code padStart}, {@code padEnd} and {@code join} refuse a string longer than {@value
 * #MAX_CHARS} characters; {@code ArrayBuffer} and the typed arrays refuse more than {@value
 * #MAX_BUFFER_BYTES} bytes. {@code sort} without a comparator sorts with one that checks the
 * budget, because Rhino's default order converts every element to text at every comparison and
 * takes seconds on a large array. Every guarded call ends with a budget check. A refusal is a
 * JavaScript {@code RangeError} naming the bound. Installed once per script scope, before the
 * standard objects are sealed; stateless.
 */
final class RhinoLimits {
  static final int MAX_ELEMENTS = 1 << 20;
  static final int MAX_CHARS = 16 << 20;
  static final int MAX_BUFFER_BYTES = 16 << 20;
  private static final String[] TYPED = {
    "Int8Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "Float32Array",
    "Float64Array"
  };

  private RhinoLimits() {}

  static void install(ScriptableObject scope) {
    ScriptableObject array = (ScriptableObject) ScriptableObject.getClassPrototype(scope, "Array");
    for (Object id : array.getAllIds()) {
      if (id instanceof String name
          && !name.equals("constructor")
          && array.get(name, array) instanceof Function f) {
        guard(array, name, new ArrayMethod(scope, name, f));
      }
    }
    ScriptableObject string =
        (ScriptableObject) ScriptableObject.getClassPrototype(scope, "String");
    for (String name : new String[] {"repeat", "padStart", "padEnd"}) {
      guard(string, name, new StringMethod(scope, name, (Function) string.get(name, string)));
    }
    guard(scope, "ArrayBuffer", new Sized(scope, (Function) scope.get("ArrayBuffer", scope), 1));
    for (String name : TYPED) {
      Function ctor = (Function) scope.get(name, scope);
      int size = (int) Context.toNumber(ctor.get("BYTES_PER_ELEMENT", ctor));
      guard(scope, name, new Sized(scope, ctor, size));
    }
  }

  private static void guard(ScriptableObject owner, String name, BaseFunction guard) {
    ScriptableObject.defineProperty(owner, name, guard, ScriptableObject.DONTENUM);
  }

  private static RuntimeException refuse(String message) {
    return org.mozilla.javascript.ScriptRuntime.rangeError(message);
  }

  /** The budget check every guarded call ends with. */
  private static void check(Context cx) {
    if (cx.getThreadLocal(Budget.class) instanceof Budget budget) {
      budget.check();
    }
  }

  /** The length property of an array or array-like, 0 for anything else. */
  private static double length(Object o) {
    if (o instanceof NativeArray a) {
      return a.getLength();
    }
    if (o instanceof Scriptable s) {
      Object n = ScriptableObject.getProperty(s, "length");
      return n == Scriptable.NOT_FOUND ? 0 : Context.toNumber(n);
    }
    return 0;
  }

  private static void checkElements(Object o, String what) {
    double n = length(o);
    if (n > MAX_ELEMENTS) {
      throw refuse(
          what
              + " of "
              + (long) n
              + " elements: Ferry scripts may handle arrays of at most "
              + MAX_ELEMENTS
              + " elements");
    }
  }

  private static void checkChars(double n, String what) {
    if (n > MAX_CHARS) {
      throw refuse(
          what
              + " would make a string of "
              + (long) n
              + " characters: Ferry scripts may make strings of at most "
              + MAX_CHARS
              + " characters in one call");
    }
  }

  /** A guarded built-in: the same name, length and behaviour, checked before and after. */
  private abstract static class Guarded extends BaseFunction {
    private static final long serialVersionUID = 1L;
    final transient Function target;
    final String name;

    Guarded(ScriptableObject scope, String name, Function target) {
      super(scope, ScriptableObject.getFunctionPrototype(scope));
      this.target = target;
      this.name = name;
    }

    @Override
    public String getFunctionName() {
      return name;
    }

    @Override
    public int getLength() {
      return target instanceof BaseFunction b ? b.getLength() : 0;
    }
  }

  private static final class ArrayMethod extends Guarded {
    private static final long serialVersionUID = 1L;

    ArrayMethod(ScriptableObject scope, String name, Function target) {
      super(scope, name, target);
    }

    @Override
    public Object call(Context cx, Scriptable scope, Scriptable thisObj, Object[] args) {
      checkElements(thisObj, "Array.prototype." + name + " on an array");
      if (name.equals("join")) {
        checkJoin(thisObj, args);
      }
      Object[] a = args;
      if ((name.equals("sort") || name.equals("toSorted"))
          && (args.length == 0 || args[0] instanceof Undefined)) {
        a = new Object[] {new DefaultOrder(getParentScope())};
      }
      Object out = target.call(cx, scope, thisObj, a);
      checkElements(thisObj, "Array.prototype." + name + " made an array");
      checkElements(out, "Array.prototype." + name + " made an array");
      check(cx);
      return out;
    }

    /** The length of {@code join}'s text, from the lengths of the elements' texts. */
    private static void checkJoin(Scriptable thisObj, Object[] args) {
      if (!(thisObj instanceof NativeArray a)) {
        return;
      }
      long n = a.getLength();
      double sep = args.length == 0 || args[0] instanceof Undefined ? 1 : length(args[0]);
      if (args.length > 0 && args[0] instanceof CharSequence s) {
        sep = s.length();
      }
      double total = sep * Math.max(0, n - 1);
      for (int i = 0; i < n && total <= MAX_CHARS; i++) {
        Object e = a.get(i, a);
        total += e instanceof CharSequence s ? s.length() : e instanceof Number ? 24 : 0;
      }
      checkChars(total, "Array.prototype.join");
    }
  }

  /** The default order of {@code sort}: by text, in UTF-16 units, with a budget check. */
  private static final class DefaultOrder extends BaseFunction {
    private static final long serialVersionUID = 1L;
    private int calls;

    DefaultOrder(Scriptable scope) {
      super(scope, ScriptableObject.getFunctionPrototype(scope));
    }

    @Override
    public Object call(Context cx, Scriptable scope, Scriptable thisObj, Object[] args) {
      if (++calls >= 256) {
        calls = 0;
        check(cx);
      }
      return Context.toString(args[0]).compareTo(Context.toString(args[1]));
    }
  }

  private static final class StringMethod extends Guarded {
    private static final long serialVersionUID = 1L;

    StringMethod(ScriptableObject scope, String name, Function target) {
      super(scope, name, target);
    }

    @Override
    public Object call(Context cx, Scriptable scope, Scriptable thisObj, Object[] args) {
      double n = args.length == 0 ? 0 : Context.toNumber(args[0]);
      if (name.equals("repeat")) {
        n *= Context.toString(thisObj).length();
      }
      if (n > 0) {
        checkChars(n, "String.prototype." + name);
      }
      Object out = target.call(cx, scope, thisObj, args);
      check(cx);
      return out;
    }
  }

  /**
   * {@code ArrayBuffer} or a typed array constructor, refusing more than {@link #MAX_BUFFER_BYTES}.
   * Its prototype is the original constructor, so the static members ({@code from}, {@code
   * BYTES_PER_ELEMENT}) and {@code instanceof} work as before.
   */
  private static final class Sized extends Guarded {
    private static final long serialVersionUID = 1L;
    private final int elementBytes;

    Sized(ScriptableObject scope, Function target, int elementBytes) {
      super(scope, ((BaseFunction) target).getFunctionName(), target);
      this.elementBytes = elementBytes;
      setPrototype(target);
      defineProperty(
          "prototype",
          target.get("prototype", target),
          ScriptableObject.DONTENUM | ScriptableObject.READONLY | ScriptableObject.PERMANENT);
    }

    @Override
    public Object call(Context cx, Scriptable scope, Scriptable thisObj, Object[] args) {
      return target.call(cx, scope, thisObj, args);
    }

    @Override
    public Scriptable construct(Context cx, Scriptable scope, Object[] args) {
      double elements = 0;
      if (args.length > 0) {
        elements = args[0] instanceof Scriptable s ? length(s) : Context.toNumber(args[0]);
      }
      if (elements * elementBytes > MAX_BUFFER_BYTES) {
        throw refuse(
            name
                + " of "
                + (long) (elements * elementBytes)
                + " bytes: Ferry scripts may make buffers of at most "
                + MAX_BUFFER_BYTES
                + " bytes");
      }
      return target.construct(cx, scope, args);
    }
  }
}

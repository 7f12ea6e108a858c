package io.ferry.scripting;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * The object model bound to GraalJS (interpreter mode on stock OpenJDK), only to measure it against
 * Rhino on the same workload: proxies over the same host objects, host access off, a statement
 * limit as the budget would use. Not a filter type. Used by one thread.
 */
final class GraalJsProbe implements ScriptRuntime {
  private final Context context;

  GraalJsProbe(String source, String fileName) {
    Engine engine = Engine.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
    context =
        Context.newBuilder("js")
            .engine(engine)
            .allowHostAccess(HostAccess.NONE)
            .allowHostClassLookup(name -> false)
            .allowIO(org.graalvm.polyglot.io.IOAccess.NONE)
            .allowCreateThread(false)
            .allowCreateProcess(false)
            .allowNativeAccess(false)
            .resourceLimits(
                ResourceLimits.newBuilder().statementLimit(Long.MAX_VALUE / 2, null).build())
            .build();
    context.eval(Source.newBuilder("js", source, fileName).buildLiteral());
  }

  @Override
  public boolean has(String hook) {
    return context.getBindings("js").getMember(hook) != null;
  }

  @Override
  public String call(String hook, HostObject arg) {
    Value out = context.getBindings("js").getMember(hook).execute(toJs(arg));
    return out.isNull() ? null : out.toString();
  }

  static Object toJs(Object v) {
    if (v instanceof HostObject h) {
      if (h.peer == null) {
        h.peer =
            new ProxyObject() {
              @Override
              public Object getMember(String key) {
                return toJs(h.get(key));
              }

              @Override
              public Object getMemberKeys() {
                return ProxyArray.fromList(new java.util.ArrayList<Object>(h.keys()));
              }

              @Override
              public boolean hasMember(String key) {
                return h.get(key) != null || h.has(key);
              }

              @Override
              public void putMember(String key, Value value) {
                h.set(
                    key,
                    value.isString()
                        ? value.asString()
                        : value.isNumber() ? (Object) value.asDouble() : null);
              }
            };
      }
      return h.peer;
    }
    if (v instanceof HostList l) {
      if (l.peer == null) {
        l.peer =
            new ProxyArray() {
              @Override
              public Object get(long index) {
                return toJs(l.get((int) index));
              }

              @Override
              public void set(long index, Value value) {
                throw new UnsupportedOperationException("read-only");
              }

              @Override
              public long getSize() {
                return l.size();
              }
            };
      }
      return l.peer;
    }
    if (v instanceof HostFunction f) {
      return (ProxyExecutable)
          args -> {
            Object[] a = new Object[args.length];
            for (int i = 0; i < a.length; i++) {
              a[i] = args[i].isString() ? args[i].asString() : null;
            }
            return toJs(f.call(a));
          };
    }
    return v;
  }

  @Override
  public void close() {
    context.close(true);
  }
}

package io.ferry.scripting;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The object model in Lua: host objects and lists appear as tables whose reads and writes go to the
 * host (so {@code pairs}, {@code ipairs} and {@code #} work), methods as functions that take either
 * {@code obj:method(...)} or {@code obj.method(...)}. Strings reach the host as bytes, so a binary
 * column gets exactly the bytes of a Lua string. Stateless; the wrappers it makes are used by one
 * thread.
 */
final class LuaBinding {
  private LuaBinding() {}

  static LuaValue toLua(Object v) {
    if (v == null) {
      return LuaValue.NIL;
    }
    if (v instanceof String s) {
      return utf8(s);
    }
    if (v instanceof Integer i) {
      return LuaValue.valueOf(i);
    }
    if (v instanceof Number n) {
      return LuaValue.valueOf(n.doubleValue());
    }
    if (v instanceof Boolean b) {
      return LuaValue.valueOf(b);
    }
    if (v instanceof byte[] b) {
      return LuaString.valueOf(b);
    }
    if (v instanceof HostObject h) {
      if (h.peer == null) {
        h.peer = new ObjectTable(h);
      }
      return (LuaValue) h.peer;
    }
    if (v instanceof HostList l) {
      if (l.peer == null) {
        l.peer = new ListTable(l);
      }
      return (LuaValue) l.peer;
    }
    if (v instanceof HostFunction f) {
      return new Function(f);
    }
    throw new IllegalStateException("no Lua form for " + v.getClass().getName());
  }

  /**
   * A Java string as a Lua string of its UTF-8 bytes. Not {@code LuaString.valueOf(String)}: LuaJ
   * encodes each UTF-16 unit on its own, so a character outside the BMP would become two 3-byte
   * surrogate sequences (CESU-8), which scripts count as two characters and which decode to U+FFFD
   * when written back.
   */
  static LuaString utf8(String s) {
    return LuaString.valueOf(s.getBytes(StandardCharsets.UTF_8));
  }

  static Object fromLua(LuaValue v) {
    switch (v.type()) {
      case LuaValue.TNIL:
        return null;
      case LuaValue.TBOOLEAN:
        return v.toboolean();
      case LuaValue.TNUMBER:
        return v.isinttype() ? (Object) v.toint() : (Object) v.todouble();
      case LuaValue.TSTRING:
        LuaString s = v.checkstring();
        byte[] b = new byte[s.length()];
        s.copyInto(0, b, 0, b.length);
        return b;
      default:
        throw new LuaError("a " + v.typename() + " cannot be stored in a column or passed here");
    }
  }

  static LuaError usage(ScriptUsageException e) {
    return new LuaError(e.getMessage());
  }

  /** A host object as a table; its own table part stays empty. */
  static final class ObjectTable extends LuaTable {
    final HostObject host;

    ObjectTable(HostObject host) {
      this.host = host;
    }

    @Override
    public LuaValue get(LuaValue key) {
      return key.isstring() ? toLua(host.get(key.tojstring())) : NIL;
    }

    @Override
    public LuaValue rawget(LuaValue key) {
      return get(key);
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
      try {
        host.set(key.tojstring(), fromLua(value));
      } catch (ScriptUsageException e) {
        throw usage(e);
      }
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
      set(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
      throw new LuaError("the metatable of " + host.what() + " cannot be changed");
    }

    @Override
    public Varargs next(LuaValue key) {
      List<String> keys = host.keys();
      int i = 0;
      if (!key.isnil()) {
        int at = keys.indexOf(key.tojstring());
        if (at < 0) {
          return NIL;
        }
        i = at + 1;
      }
      while (i < keys.size()) {
        LuaValue v = toLua(host.get(keys.get(i)));
        if (!v.isnil()) {
          return varargsOf(utf8(keys.get(i)), v);
        }
        i++;
      }
      return NIL;
    }

    @Override
    public String tojstring() {
      return "<" + host.what() + ">";
    }
  }

  /** A host list as a 1-based table. */
  static final class ListTable extends LuaTable {
    final HostList list;

    ListTable(HostList list) {
      this.list = list;
    }

    @Override
    public LuaValue get(int i) {
      return i >= 1 && i <= list.size() ? toLua(list.get(i - 1)) : NIL;
    }

    @Override
    public LuaValue get(LuaValue key) {
      return key.isinttype() ? get(key.toint()) : NIL;
    }

    @Override
    public LuaValue rawget(int i) {
      return get(i);
    }

    @Override
    public LuaValue rawget(LuaValue key) {
      return get(key);
    }

    @Override
    public void set(int key, LuaValue value) {
      throw new LuaError("lists of the object model are read-only: use the drop() methods");
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
      set(0, value);
    }

    @Override
    public void rawset(int key, LuaValue value) {
      set(0, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
      set(0, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
      throw new LuaError("the metatable of a list of the object model cannot be changed");
    }

    @Override
    public int length() {
      return list.size();
    }

    @Override
    public int rawlen() {
      return list.size();
    }

    @Override
    public LuaValue len() {
      return valueOf(list.size());
    }

    @Override
    public Varargs next(LuaValue key) {
      return inext(key);
    }

    @Override
    public Varargs inext(LuaValue key) {
      int i = key.isnil() ? 1 : key.checkint() + 1;
      return i <= list.size() ? varargsOf(valueOf(i), get(i)) : NIL;
    }
  }

  /** A method: {@code obj:m(a)} passes the object first, which is dropped. */
  static final class Function extends VarArgFunction {
    private final HostFunction f;

    Function(HostFunction f) {
      this.f = f;
    }

    @Override
    public Varargs invoke(Varargs args) {
      int skip = args.narg() > 0 && args.arg1() instanceof ObjectTable ? 1 : 0;
      Object[] neutral = new Object[args.narg() - skip];
      for (int i = 0; i < neutral.length; i++) {
        neutral[i] = fromLua(args.arg(i + 1 + skip));
      }
      try {
        return toLua(f.call(neutral));
      } catch (ScriptUsageException e) {
        throw usage(e);
      }
    }
  }
}

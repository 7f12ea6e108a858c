package io.ferry.scripting;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The string functions a script could otherwise keep busy or make huge inside one library call,
 * replacing LuaJ's: {@code find}, {@code match}, {@code gmatch} and {@code gsub} run {@link
 * LuaPattern}, which checks the running call's budget as it goes, and {@code rep} refuses a result
 * over {@value #MAX_BYTES} bytes. The functions are shared by every script in the JVM (LuaJ's
 * string metatable is one for all), so they find the budget of the call running on their thread
 * through {@link #enter(Budget)}. Thread-safe.
 */
final class LuaStringFunctions {
  /** The largest string {@code string.rep} or {@code gsub} may make: 16 MiB. */
  static final int MAX_BYTES = 16 << 20;

  private static final ThreadLocal<Budget> RUNNING = new ThreadLocal<>();
  private static final String SPECIALS = "^$*+?.([%-";

  private LuaStringFunctions() {}

  /** Puts these functions into a script's string library, in place of LuaJ's. */
  static void install(LuaValue string) {
    string.set("find", new Find(true));
    string.set("match", new Find(false));
    string.set("gmatch", new GMatch());
    string.set("gsub", new GSub());
    string.set("rep", new Rep());
  }

  /**
   * Makes {@code budget} the one this thread's calls check until {@link #exit(Budget)}; returns the
   * one before, to give back to {@code exit}.
   */
  static Budget enter(Budget budget) {
    Budget before = RUNNING.get();
    RUNNING.set(budget);
    return before;
  }

  static void exit(Budget before) {
    if (before == null) {
      RUNNING.remove();
    } else {
      RUNNING.set(before);
    }
  }

  /**
   * Lua's init argument as LuaJ reads it: 1-based, negative from the end, clamped to the string.
   */
  private static int start(Varargs args, int len) {
    int init = args.optint(3, 1);
    if (init > 0) {
      return Math.min(init - 1, len);
    }
    return init < 0 ? Math.max(0, len + init) : 0;
  }

  private static boolean plain(LuaString pattern) {
    for (int i = 0; i < pattern.m_length; i++) {
      if (SPECIALS.indexOf(pattern.luaByte(i)) >= 0) {
        return false;
      }
    }
    return true;
  }

  private static LuaError tooBig(String what, long bytes) {
    return new LuaError(
        what
            + " would make a string of "
            + bytes
            + " bytes; Ferry scripts may make strings of at most "
            + MAX_BYTES
            + " bytes (16 MB) in one call");
  }

  /** {@code string.find} and {@code string.match}. */
  private static final class Find extends VarArgFunction {
    private final boolean find;

    Find(boolean find) {
      this.find = find;
      this.name = find ? "find" : "match";
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaString s = args.checkstring(1);
      LuaString pat = args.checkstring(2);
      int init = start(args, s.m_length);
      LuaPattern m = new LuaPattern(s, pat, RUNNING.get());
      if (find && (args.arg(4).toboolean() || plain(pat))) {
        int at = indexOf(m, s, pat, init);
        return at < 0 ? NIL : varargsOf(valueOf(at + 1), valueOf(at + pat.m_length));
      }
      boolean anchor = pat.m_length > 0 && pat.luaByte(0) == '^';
      int pi = anchor ? 1 : 0;
      for (int si = init; si <= s.m_length; si++) {
        int end = m.matchAt(si, pi);
        if (end != -1) {
          return find
              ? varargsOf(valueOf(si + 1), valueOf(end), m.captures(false, si, end))
              : m.captures(true, si, end);
        }
        if (anchor) {
          break;
        }
      }
      return NIL;
    }

    /** A plain search, counted as the matcher counts, so a long one is stopped in time too. */
    private static int indexOf(LuaPattern m, LuaString s, LuaString pat, int from) {
      int n = pat.m_length;
      byte[] sb = s.m_bytes;
      byte[] pb = pat.m_bytes;
      for (int i = from; i + n <= s.m_length; i++) {
        int k = 0;
        while (k < n && sb[s.m_offset + i + k] == pb[pat.m_offset + k]) {
          k++;
        }
        if (k == n) {
          return i;
        }
        m.step(k + 1);
      }
      return -1;
    }
  }

  /** {@code string.gmatch}: an iterator; after an empty match it moves on one byte, as Lua 5.2. */
  private static final class GMatch extends VarArgFunction {
    GMatch() {
      this.name = "gmatch";
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaString s = args.checkstring(1);
      LuaString pat = args.checkstring(2);
      return new Next(s, pat);
    }

    private static final class Next extends VarArgFunction {
      private final LuaString s;
      private final LuaString pat;
      private int from;

      Next(LuaString s, LuaString pat) {
        this.s = s;
        this.pat = pat;
        this.name = "gmatch iterator";
      }

      @Override
      public Varargs invoke(Varargs args) {
        LuaPattern m = new LuaPattern(s, pat, RUNNING.get());
        for (int si = from; si <= s.m_length; si++) {
          int end = m.matchAt(si, 0);
          if (end != -1) {
            from = end == si ? end + 1 : end;
            return m.captures(true, si, end);
          }
        }
        from = s.m_length + 1;
        return NIL;
      }
    }
  }

  /** {@code string.gsub} with a string, table or function replacement and an optional count. */
  private static final class GSub extends VarArgFunction {
    GSub() {
      this.name = "gsub";
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaString s = args.checkstring(1);
      LuaString pat = args.checkstring(2);
      LuaValue repl = args.arg(3);
      int type = repl.type();
      if (type != TSTRING && type != TNUMBER && type != TTABLE && type != TFUNCTION) {
        argerror(3, "string/function/table expected");
      }
      int max = args.optint(4, s.m_length + 1);
      boolean anchor = pat.m_length > 0 && pat.luaByte(0) == '^';
      int pi = anchor ? 1 : 0;
      LuaPattern m = new LuaPattern(s, pat, RUNNING.get());
      Out out = new Out(s.m_length);
      int si = 0;
      int n = 0;
      while (n < max) {
        int end = m.matchAt(si, pi);
        if (end != -1) {
          n++;
          replace(m, out, s, si, end, repl);
        }
        if (end != -1 && end > si) {
          si = end;
        } else if (si < s.m_length) {
          out.add(s, si, si + 1);
          si++;
        } else {
          break;
        }
        if (anchor) {
          break;
        }
      }
      out.add(s, si, s.m_length);
      return varargsOf(out.string(), valueOf(n));
    }

    private static void replace(
        LuaPattern m, Out out, LuaString s, int start, int end, LuaValue repl) {
      LuaValue v;
      switch (repl.type()) {
        case TSTRING, TNUMBER -> {
          template(m, out, s, start, end, repl.strvalue());
          return;
        }
        case TTABLE -> v = repl.get(m.capture(0, start, end));
        default -> v = repl.invoke(m.captures(true, start, end)).arg1();
      }
      if (!v.toboolean()) {
        out.add(s, start, end);
      } else if (v.isstring()) {
        LuaString r = v.strvalue();
        out.add(r, 0, r.m_length);
      } else {
        throw new LuaError("invalid replacement value (a " + v.typename() + ")");
      }
    }

    /** A replacement string: {@code %0} is the match, {@code %1}..{@code %9} the captures. */
    private static void template(
        LuaPattern m, Out out, LuaString s, int start, int end, LuaString t) {
      int i = 0;
      while (i < t.m_length) {
        int c = t.luaByte(i);
        if (c != '%') {
          out.add(t, i, i + 1);
          i++;
          continue;
        }
        int d = i + 1 < t.m_length ? t.luaByte(i + 1) : -1;
        if (d == '0') {
          out.add(s, start, end);
        } else if (d >= '1' && d <= '9') {
          LuaString cap = m.capture(d - '1', start, end).strvalue();
          out.add(cap, 0, cap.m_length);
        } else if (d == '%') {
          out.add(t, i + 1, i + 2);
        } else {
          throw new LuaError("invalid use of '%' in replacement string");
        }
        i += 2;
      }
    }
  }

  /** The result of gsub, refused once it passes {@link #MAX_BYTES}. */
  private static final class Out {
    private final ByteArrayOutputStream bytes;

    Out(int size) {
      bytes = new ByteArrayOutputStream(Math.min(size, MAX_BYTES));
    }

    void add(LuaString from, int start, int end) {
      if ((long) bytes.size() + (end - start) > MAX_BYTES) {
        throw tooBig("string.gsub", (long) bytes.size() + (end - start));
      }
      bytes.write(from.m_bytes, from.m_offset + start, end - start);
    }

    LuaString string() {
      return LuaString.valueOf(bytes.toByteArray());
    }
  }

  /** {@code string.rep(s, n [, sep])}, refusing a result over {@link #MAX_BYTES}. */
  private static final class Rep extends VarArgFunction {
    Rep() {
      this.name = "rep";
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaString s = args.checkstring(1);
      int n = args.checkint(2);
      LuaString sep = args.isnoneornil(3) ? LuaString.valueOf("") : args.checkstring(3);
      if (n <= 0) {
        return LuaString.valueOf("");
      }
      long total = (long) s.m_length * n + (long) sep.m_length * (n - 1);
      if (total > MAX_BYTES) {
        throw tooBig("string.rep", total);
      }
      if (total == 0) {
        return LuaString.valueOf(""); // ("", 2^31): nothing to copy, and no loop to run
      }
      byte[] b = new byte[(int) total];
      int at = 0;
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          System.arraycopy(sep.m_bytes, sep.m_offset, b, at, sep.m_length);
          at += sep.m_length;
        }
        System.arraycopy(s.m_bytes, s.m_offset, b, at, s.m_length);
        at += s.m_length;
      }
      return LuaString.valueOf(b);
    }
  }
}

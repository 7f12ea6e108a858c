package io.ferry.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * One match of a Lua 5.2 pattern (reference manual §6.4.1) against one subject: the character
 * classes of the C locale, sets, {@code %b}, {@code %f}, anchors, the four repetitions, captures
 * and position captures, back-references. A backtracking matcher, so a pattern such as {@code
 * .-.-.-.-b} can take time exponential in the subject's length: it checks the script's {@link
 * Budget} every {@value #CHECK_EVERY} steps and so throws the same {@link Budget.Exceeded} the
 * instruction hook throws. Nesting (captures, {@code ?}, repetitions) is bounded to {@value
 * #MAX_DEPTH} levels ("pattern too complex"), as in Lua, so no pattern overflows the Java stack.
 * Used by one thread for one library call.
 */
final class LuaPattern {
  static final int MAX_CAPTURES = 32;
  static final int MAX_DEPTH = 200;
  static final int CHECK_EVERY = 1024;
  private static final int UNFINISHED = -1;
  private static final int POSITION = -2;

  private final byte[] s;
  private final int so;
  final int slen;
  private final byte[] p;
  private final int po;
  private final int plen;
  private final LuaString subject;
  private final Budget budget;
  private int steps;
  private int depth;
  private int level;
  private final int[] capStart = new int[MAX_CAPTURES];
  private final int[] capLen = new int[MAX_CAPTURES];

  LuaPattern(LuaString subject, LuaString pattern, Budget budget) {
    this.subject = subject;
    this.s = subject.m_bytes;
    this.so = subject.m_offset;
    this.slen = subject.m_length;
    this.p = pattern.m_bytes;
    this.po = pattern.m_offset;
    this.plen = pattern.m_length;
    this.budget = budget;
  }

  private int sc(int i) {
    return s[so + i] & 0xff;
  }

  private int pc(int i) {
    return p[po + i] & 0xff;
  }

  /** Counts work; every {@value #CHECK_EVERY} steps asks the budget whether time is left. */
  void step(int n) {
    steps += n;
    if (steps >= CHECK_EVERY) {
      steps = 0;
      if (budget != null) {
        budget.check();
      }
    }
  }

  /**
   * Matches the pattern from pattern index {@code pi} at subject index {@code si}, captures cleared
   * first; the end of the match, or -1.
   */
  int matchAt(int si, int pi) {
    level = 0;
    depth = 0;
    return match(si, pi);
  }

  private int match(int si, int pi) {
    if (depth >= MAX_DEPTH) {
      throw new LuaError("pattern too complex");
    }
    depth++;
    try {
      while (true) {
        step(1);
        if (pi == plen) {
          return si;
        }
        int c = pc(pi);
        if (c == '(') {
          return pi + 1 < plen && pc(pi + 1) == ')'
              ? openCapture(si, pi + 2, POSITION)
              : openCapture(si, pi + 1, UNFINISHED);
        }
        if (c == ')') {
          return closeCapture(si, pi + 1);
        }
        if (c == '$' && pi + 1 == plen) {
          return si == slen ? si : -1;
        }
        if (c == '%' && pi + 1 < plen) {
          int n = pc(pi + 1);
          if (n == 'b') {
            si = balance(si, pi + 2);
            if (si == -1) {
              return -1;
            }
            pi += 4;
            continue;
          }
          if (n == 'f') {
            pi += 2;
            if (pi >= plen || pc(pi) != '[') {
              throw new LuaError("missing '[' after '" + '%' + "f' in pattern");
            }
            int ep = classEnd(pi);
            int before = si == 0 ? 0 : sc(si - 1);
            int at = si < slen ? sc(si) : 0;
            if (inSet(before, pi, ep - 1) || !inSet(at, pi, ep - 1)) {
              return -1;
            }
            pi = ep;
            continue;
          }
          if (n >= '0' && n <= '9') {
            si = backReference(si, n);
            if (si == -1) {
              return -1;
            }
            pi += 2;
            continue;
          }
        }
        int ep = classEnd(pi);
        boolean one = si < slen && single(sc(si), pi, ep);
        int q = ep < plen ? pc(ep) : -1;
        if (q == '?') {
          if (one) {
            int r = match(si + 1, ep + 1);
            if (r != -1) {
              return r;
            }
          }
          pi = ep + 1;
        } else if (q == '+') {
          return one ? longest(si + 1, pi, ep) : -1;
        } else if (q == '*') {
          return longest(si, pi, ep);
        } else if (q == '-') {
          return shortest(si, pi, ep);
        } else if (one) {
          si++;
          pi = ep;
        } else {
          return -1;
        }
      }
    } finally {
      depth--;
    }
  }

  /** The index just past the single-character class that starts at {@code pi}. */
  private int classEnd(int pi) {
    int c = pc(pi++);
    if (c == '%') {
      if (pi >= plen) {
        throw new LuaError("malformed pattern (ends with '%')");
      }
      return pi + 1;
    }
    if (c == '[') {
      if (pi < plen && pc(pi) == '^') {
        pi++;
      }
      // the first character is part of the set even when it is ']'
      do {
        if (pi >= plen) {
          throw new LuaError("malformed pattern (missing ']')");
        }
        int d = pc(pi++);
        if (d == '%' && pi < plen) {
          pi++;
        }
      } while (pi >= plen || pc(pi) != ']');
      return pi + 1;
    }
    return pi;
  }

  private boolean single(int ch, int pi, int ep) {
    int c = pc(pi);
    if (c == '.') {
      return true;
    }
    if (c == '%') {
      return inClass(ch, pc(pi + 1));
    }
    if (c == '[') {
      return inSet(ch, pi, ep - 1);
    }
    return c == ch;
  }

  /** Whether {@code ch} is in the set from '[' at {@code pi} to ']' at {@code end}. */
  private boolean inSet(int ch, int pi, int end) {
    boolean in = true;
    if (pc(pi + 1) == '^') {
      in = false;
      pi++;
    }
    while (++pi < end) {
      int c = pc(pi);
      if (c == '%') {
        pi++;
        if (inClass(ch, pc(pi))) {
          return in;
        }
      } else if (pi + 2 < end && pc(pi + 1) == '-') {
        if (c <= ch && ch <= pc(pi + 2)) {
          return in;
        }
        pi += 2;
      } else if (c == ch) {
        return in;
      }
    }
    return !in;
  }

  /** The classes of the C locale: ASCII only, as in Lua; an upper-case letter negates. */
  static boolean inClass(int ch, int cl) {
    boolean upper = cl >= 'A' && cl <= 'Z';
    boolean r;
    switch (upper ? cl + ('a' - 'A') : cl) {
      case 'a' -> r = isAlpha(ch);
      case 'c' -> r = ch < 32 || ch == 127;
      case 'd' -> r = ch >= '0' && ch <= '9';
      case 'g' -> r = ch > 32 && ch < 127;
      case 'l' -> r = ch >= 'a' && ch <= 'z';
      case 'p' -> r = ch > 32 && ch < 127 && !isAlpha(ch) && !(ch >= '0' && ch <= '9');
      case 's' -> r = ch == ' ' || (ch >= 9 && ch <= 13);
      case 'u' -> r = ch >= 'A' && ch <= 'Z';
      case 'w' -> r = isAlpha(ch) || (ch >= '0' && ch <= '9');
      case 'x' -> r = (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f');
      case 'z' -> r = ch == 0; // deprecated in 5.2, still accepted
      default -> {
        return cl == ch;
      }
    }
    return upper != r;
  }

  private static boolean isAlpha(int ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
  }

  /** {@code x*} (and the rest of {@code x+}): as many as match, then fewer until the rest does. */
  private int longest(int si, int pi, int ep) {
    int n = 0;
    while (si + n < slen && single(sc(si + n), pi, ep)) {
      n++;
      step(1);
    }
    for (; n >= 0; n--) {
      int r = match(si + n, ep + 1);
      if (r != -1) {
        return r;
      }
    }
    return -1;
  }

  /** {@code x-}: as few as let the rest match. */
  private int shortest(int si, int pi, int ep) {
    while (true) {
      int r = match(si, ep + 1);
      if (r != -1) {
        return r;
      }
      if (si < slen && single(sc(si), pi, ep)) {
        si++;
      } else {
        return -1;
      }
    }
  }

  private int openCapture(int si, int pi, int what) {
    if (level >= MAX_CAPTURES) {
      throw new LuaError("too many captures");
    }
    capStart[level] = si;
    capLen[level] = what;
    level++;
    int r = match(si, pi);
    if (r == -1) {
      level--;
    }
    return r;
  }

  private int closeCapture(int si, int pi) {
    int l = level - 1;
    while (l >= 0 && capLen[l] != UNFINISHED) {
      l--;
    }
    if (l < 0) {
      throw new LuaError("invalid pattern capture");
    }
    capLen[l] = si - capStart[l];
    int r = match(si, pi);
    if (r == -1) {
      capLen[l] = UNFINISHED;
    }
    return r;
  }

  /** {@code %bxy} with {@code pi} at x: a balanced run from x to its matching y. */
  private int balance(int si, int pi) {
    if (pi + 1 >= plen) {
      throw new LuaError("malformed pattern (missing arguments to '" + '%' + "b')");
    }
    int open = pc(pi);
    int close = pc(pi + 1);
    if (si >= slen || sc(si) != open) {
      return -1;
    }
    int depthOfRun = 1;
    for (int i = si + 1; i < slen; i++) {
      step(1);
      int c = sc(i);
      if (c == close) {
        if (--depthOfRun == 0) {
          return i + 1;
        }
      } else if (c == open) {
        depthOfRun++;
      }
    }
    return -1;
  }

  private int backReference(int si, int digit) {
    int l = digit - '1';
    if (l < 0 || l >= level || capLen[l] == UNFINISHED) {
      throw new LuaError("invalid capture index " + '%' + (l + 1));
    }
    int len = capLen[l];
    if (len < 0 || slen - si < len) {
      return -1;
    }
    step(len);
    for (int i = 0; i < len; i++) {
      if (s[so + capStart[l] + i] != s[so + si + i]) {
        return -1;
      }
    }
    return si + len;
  }

  /** Capture {@code i} of the match from {@code start} to {@code end}: the whole match if none. */
  LuaValue capture(int i, int start, int end) {
    if (i >= level) {
      if (i == 0) {
        return subject.substring(start, end);
      }
      throw new LuaError("invalid capture index " + '%' + (i + 1));
    }
    int len = capLen[i];
    if (len == UNFINISHED) {
      throw new LuaError("unfinished capture");
    }
    if (len == POSITION) {
      return LuaValue.valueOf(capStart[i] + 1);
    }
    return subject.substring(capStart[i], capStart[i] + len);
  }

  /** All captures of the match; the whole match when there are none and {@code whole}. */
  Varargs captures(boolean whole, int start, int end) {
    int n = level == 0 && whole ? 1 : level;
    if (n == 0) {
      return LuaValue.NONE;
    }
    if (n == 1) {
      return capture(0, start, end);
    }
    LuaValue[] v = new LuaValue[n];
    for (int i = 0; i < n; i++) {
      v[i] = capture(i, start, end);
    }
    return LuaValue.varargsOf(v);
  }
}

package io.ferry.server.shard;

import io.ferry.core.event.Shards;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the text form of a {@link HomeMap}: one {@code shard home [critical]} per line, words
 * separated by spaces or tabs. The third word, when there is one, is {@code critical} (or {@code
 * true}/{@code false}, as in the seeds' shard.map). A word that starts with {@code #}, other than
 * the home {@code #LOCAL} and the shard {@code #global}, starts a comment that runs to the end of
 * the line; blank lines are ignored. Every problem is reported at once, each with {@code
 * file:line}. Stateless.
 */
public final class HomeMapFile {
  private HomeMapFile() {}

  /** What was wrong with a map's text: every problem, each with its file and line. */
  public static final class HomeMapException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    HomeMapException(String source, List<String> problems) {
      super(
          source
              + ": "
              + problems.size()
              + (problems.size() == 1 ? " problem" : " problems")
              + ", nothing was changed:\n  "
              + String.join("\n  ", problems)
              + "\nEach line is: shard home [critical] (home: a service name or "
              + HomeMap.LOCAL
              + "); # starts a comment.");
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  /**
   * Parses a map's text.
   *
   * @param source what the text is called in errors (a file name)
   * @param text the lines
   * @throws HomeMapException with every problem, when there is any
   */
  public static HomeMap parse(String source, String text) {
    List<String> problems = new ArrayList<>();
    Map<String, HomeMap.Entry> entries = new LinkedHashMap<>();
    Map<String, Integer> lineOf = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int n = i + 1;
      String where = source + ":" + n;
      List<String> words = words(lines[i]);
      if (words.isEmpty()) {
        continue;
      }
      if (words.size() == 3 && isTungstenHeader(words)) {
        continue; // "shard_id master critical", the first line of the seeds' shard.map
      }
      if (words.size() < 2) {
        problems.add(
            where
                + ": '"
                + lines[i].strip()
                + "' has no home: write the shard, then the service that is its home (or "
                + HomeMap.LOCAL
                + ")");
        continue;
      }
      if (words.size() > 3) {
        problems.add(
            where
                + ": '"
                + lines[i].strip()
                + "' has "
                + words.size()
                + " words; a line is: shard home [critical]");
        continue;
      }
      String shard = words.get(0);
      String home = words.get(1);
      boolean critical = false;
      if (words.size() == 3) {
        String flag = words.get(2).toLowerCase(Locale.ROOT);
        switch (flag) {
          case "critical", "true" -> critical = true;
          case "false" -> critical = false;
          default -> {
            problems.add(
                where + ": the third word '" + words.get(2) + "' is not critical (or true/false)");
            continue;
          }
        }
      }
      String bad = HomeMap.shardProblem(shard);
      if (bad == null) {
        bad = HomeMap.homeProblem(home);
      }
      if (bad != null) {
        problems.add(where + ": " + bad);
        continue;
      }
      Integer before = lineOf.put(shard, n);
      if (before != null) {
        problems.add(
            where
                + ": shard '"
                + shard
                + "' is given a home again (first on line "
                + before
                + "); a shard has one home");
        continue;
      }
      entries.put(shard, new HomeMap.Entry(shard, home, critical));
    }
    if (!problems.isEmpty()) {
      throw new HomeMapException(source, problems);
    }
    return new HomeMap(entries);
  }

  private static boolean isTungstenHeader(List<String> words) {
    return words.get(0).equalsIgnoreCase("shard_id")
        && words.get(1).equalsIgnoreCase("master")
        && words.get(2).equalsIgnoreCase("critical");
  }

  /** A line's words before its comment. */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    for (String w : line.strip().split("[ \t]+", -1)) {
      if (w.isEmpty()) {
        continue;
      }
      if (w.startsWith("#")
          && !w.equalsIgnoreCase(HomeMap.LOCAL)
          && !w.equalsIgnoreCase(Shards.GLOBAL)) {
        break;
      }
      out.add(w);
    }
    return out;
  }
}

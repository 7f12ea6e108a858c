package io.ferry.server.config;

import io.ferry.core.config.Setting;
import io.ferry.core.parallel.ShardMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/** Reads parallel apply's shard map from a service's configuration. Stateless. */
final class ParallelConfig {
  private ParallelConfig() {}

  /** The shard map; its problems (with file and line) as a {@link ConfigException}. */
  static ShardMap shardMap(ServiceConfig c, ToIntFunction<String> lineOf) {
    boolean inFile = c.isSet(ParallelApplySettings.APPLY_SHARD_MAP);
    boolean inline = !c.get(ParallelApplySettings.APPLY_SHARDS).isBlank();
    List<String> problems = new ArrayList<>();
    Map<String, String> entries = new LinkedHashMap<>();
    if (inFile && inline) {
      problems.add(
          c.file()
              + ": apply.shard-map and apply.shards are both set: keep one (the file, or the"
              + " entries in the configuration)");
    } else if (inFile) {
      Path file = Setting.resolve(c.file(), c.get(ParallelApplySettings.APPLY_SHARD_MAP));
      try {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          if (!line.isEmpty() && !line.startsWith("#")) {
            entries.put(line, file + ":" + (i + 1));
          }
        }
      } catch (IOException e) {
        problems.add(
            c.file()
                + ":"
                + lineOf.applyAsInt(ParallelApplySettings.APPLY_SHARD_MAP.key())
                + ": apply.shard-map: cannot read "
                + file
                + " ("
                + e.getMessage()
                + ")");
      }
    } else if (inline) {
      String where = c.file() + ":" + lineOf.applyAsInt(ParallelApplySettings.APPLY_SHARDS.key());
      for (String item : c.get(ParallelApplySettings.APPLY_SHARDS).split(",", -1)) {
        if (!item.isBlank()) {
          entries.put(item.strip(), where + ": apply.shards");
        }
      }
    }
    ShardMap map = ShardMap.parse(entries, problems);
    Map<String, String> seen = new java.util.HashMap<>();
    entries.forEach(
        (entry, where) -> {
          int eq = entry.indexOf('=');
          String shard = eq < 0 ? entry.strip() : entry.substring(0, eq).strip();
          String first = seen.putIfAbsent(shard, where);
          if (first != null && !shard.isEmpty()) {
            problems.add(where + ": shard '" + shard + "' is mapped already at " + first);
          }
        });
    if ((inFile || inline) && c.get(ParallelApplySettings.APPLY_SCHEDULER).equals("key")) {
      problems.add(
          c.file()
              + ": a shard map is set but apply.scheduler = key, which does not use one: remove"
              + " it or set apply.scheduler = shard");
    }
    int channels = c.get(ParallelApplySettings.APPLY_CHANNELS);
    for (String p : map.beyond(channels)) {
      String place = c.file().toString();
      for (Map.Entry<String, String> e : seen.entrySet()) {
        if (p.startsWith("shard '" + e.getKey() + "' ")
            || (e.getKey().equals("*") && p.startsWith("the default"))) {
          place = e.getValue();
        }
      }
      problems.add(place + ": " + p + " (apply.channels = " + channels + ")");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return map;
  }
}

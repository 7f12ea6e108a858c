package io.ferry.server.admin;

import io.ferry.server.Replicator;
import io.ferry.server.shard.HomeMap;
import io.ferry.server.shard.HomeMapFile;
import io.ferry.server.shard.ShardHomes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shard home map in the admin API: {@code GET /api/v1/shards} lists it; {@code POST
 * /api/v1/shards/set} ({@code shard}, {@code home}, {@code critical}), {@code .../remove} ({@code
 * shard}) and {@code .../load} ({@code file}, {@code text}: the whole map, replacing it) change it
 * for every service of the replicator at once, durably, while they run. Every answer is the map as
 * it is now.
 */
final class ShardApi {
  private static final Logger LOG = LoggerFactory.getLogger(ShardApi.class);

  private ShardApi() {}

  static Object route(Replicator r, String method, String verb, Map<String, Object> body) {
    ShardHomes homes = r.shardHomes();
    if (verb == null && method.equals("GET")) {
      return listing(homes, homes.map(), null);
    }
    if (verb == null || !method.equals("POST")) {
      throw new AdminServer.ApiException(
          404,
          "no such resource: "
              + method
              + " /api/v1/shards"
              + (verb == null ? "" : "/" + verb)
              + " (GET /api/v1/shards; POST /api/v1/shards/set, /remove, /load)");
    }
    switch (verb) {
      case "set" -> {
        String shard = text(body, "shard");
        String home = text(body, "home");
        boolean critical = Boolean.TRUE.equals(body.get("critical"));
        HomeMap.Entry e = new HomeMap.Entry(shard, home, critical);
        HomeMap before = homes.map();
        HomeMap m = homes.set(e);
        HomeMap.Entry old = before.get(shard);
        String what =
            "shard "
                + shard
                + ": home "
                + home
                + (critical ? " (critical)" : "")
                + (old == null
                    ? " (new)"
                    : " (was " + old.home() + (old.critical() ? ", critical" : "") + ")");
        LOG.info("shard home map: {}", what);
        return listing(homes, m, what);
      }
      case "remove" -> {
        String shard = text(body, "shard");
        HomeMap m = homes.remove(shard);
        String what = "shard " + shard + ": removed (it has no home now)";
        LOG.info("shard home map: {}", what);
        return listing(homes, m, what);
      }
      case "load" -> {
        String file = text(body, "file");
        Object t = body.get("text");
        if (!(t instanceof String text)) {
          throw new IllegalArgumentException("text is missing: the file's content");
        }
        HomeMap next = HomeMapFile.parse(file, text);
        HomeMap m = homes.replace(next);
        String what = "loaded " + m.entries().size() + " shards from " + file;
        LOG.info("shard home map: {}", what);
        return listing(homes, m, what);
      }
      default ->
          throw new AdminServer.ApiException(
              404, "no such operation on shards '" + verb + "': set, remove, load");
    }
  }

  private static Map<String, Object> listing(ShardHomes homes, HomeMap m, String changed) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("file", homes.file() == null ? null : homes.file().toAbsolutePath().toString());
    if (changed != null) {
      out.put("changed", changed);
    }
    List<Object> list = new ArrayList<>();
    for (HomeMap.Entry e : m.list()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("shard", e.shard());
      x.put("home", e.home());
      x.put("critical", e.critical());
      list.add(x);
    }
    out.put("shards", list);
    return out;
  }

  private static String text(Map<String, Object> body, String key) {
    Object v = body.get(key);
    if (v == null || v.toString().isBlank()) {
      throw new IllegalArgumentException(key + " is missing");
    }
    return v.toString();
  }
}

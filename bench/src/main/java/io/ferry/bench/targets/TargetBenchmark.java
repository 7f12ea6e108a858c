package io.ferry.bench.targets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code bench/run.sh targets [--part postgresql|warehouse|kafka|mongodb|all] [options]}: the
 * heterogeneous targets' benchmarks one after the other, each printing its figures and its ratio to
 * the baseline the issue names (PostgreSQL: 10,000 row changes/s; the warehouse: row-by-row into
 * the same store, 100×; Kafka and MongoDB: row changes/s). Options after the part go to each
 * benchmark (--help of one: --part NAME --help).
 */
public final class TargetBenchmark {
  private TargetBenchmark() {}

  private static final List<String> PARTS = List.of("postgresql", "warehouse", "kafka", "mongodb");

  public static void main(String[] args) throws Exception {
    String part = "all";
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    int i = rest.indexOf("--part");
    if (i >= 0) {
      if (i + 1 >= rest.size()) {
        throw new IllegalArgumentException("--part needs one of all, " + String.join(", ", PARTS));
      }
      part = rest.get(i + 1);
      rest.subList(i, i + 2).clear();
    }
    if (!part.equals("all") && !PARTS.contains(part)) {
      throw new IllegalArgumentException(
          "unknown --part '" + part + "': one of all, " + String.join(", ", PARTS));
    }
    String[] options = rest.toArray(String[]::new);
    for (String p : PARTS) {
      if (!part.equals("all") && !part.equals(p)) {
        continue;
      }
      System.out.println("==== targets: " + p);
      switch (p) {
        case "postgresql" -> PostgresBench.main(options);
        case "warehouse" -> WarehouseBench.main(options);
        case "kafka" -> KafkaBench.main(options);
        default -> MongoBench.main(options);
      }
      System.out.println();
    }
  }
}

package io.ferry.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code -service NAME}: which service a command is for; optional when there is only one. */
public final class ServiceOption {
  @Option(
      names = {"-service", "--service"},
      paramLabel = "NAME",
      description = "The service (optional when the replicator runs only one).")
  String name;

  /** The service's name: the given one, or the only one there is. */
  public String resolve(AdminClient client) {
    if (name != null) {
      return name;
    }
    JsonNode list = client.get("/api/v1/services");
    List<String> names = new ArrayList<>();
    list.forEach(s -> names.add(s.get("name").asText()));
    if (names.size() == 1) {
      return names.get(0);
    }
    throw new CliException(
        names.isEmpty()
            ? "the replicator at " + client.base() + " runs no service"
            : "the replicator runs "
                + names.size()
                + " services ("
                + String.join(", ", names)
                + "): say which with -service NAME",
        Cli.EXIT_USAGE);
  }
}

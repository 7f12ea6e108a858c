package io.ferry.cli.ddl;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.setup.Endpoint;
import io.ferry.cli.setup.TargetAddress;
import io.ferry.core.target.SchemaTranslator;
import io.ferry.core.target.SourceTable;
import io.ferry.core.target.TargetTypes;
import io.ferry.mysql.schema.DdlException;
import io.ferry.mysql.schema.SourceTables;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry ddl translate}. */
@Command(
    name = "translate",
    header = "Print (or apply) a target dialect's CREATE statements for a source schema's tables.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Reads the tables of --schema on the source (SHOW CREATE TABLE, understood like the"
          + " binlog's DDL) and writes each as the --to dialect's DDL, with its primary and unique"
          + " keys, by the mapping of docs/type-mapping.md. Columns converted with a loss carry"
          + " a comment that says how.",
      "",
      "Examples:",
      "  ferry ddl translate --from lab:1 --schema shop --to postgresql",
      "  ferry ddl translate --from lab:1 --schema shop --to postgresql --apply --target pg:1",
      "  ferry ddl translate --from mysql://ferry:pw@db1:3306 --schema shop --to duckdb \\",
      "      --apply --target duckdb:/var/lib/ferry/shop.duckdb",
      ""
    })
public final class DdlTranslateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "DB",
      description =
          "The MariaDB/MySQL source: a sandbox server (NAME:N) or"
              + " mysql://user:password@host:port.")
  String from;

  @Option(names = "--schema", required = true, paramLabel = "S", description = "Its schema.")
  String schema;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "DIALECT",
      description =
          "The target dialect (ferry config targets --json lists them under"
              + " ddlDialects): postgresql, duckdb, ...")
  String to;

  @Option(
      names = "--tables",
      split = ",",
      paramLabel = "T",
      description = "Only these tables (comma-separated), in this order.")
  List<String> tables = new ArrayList<>();

  @Option(
      names = "--apply",
      description =
          "Run the statements on --target (one transaction where the target has them)"
              + " instead of printing them.")
  boolean apply;

  @Option(
      names = "--target",
      paramLabel = "DB",
      description =
          "Where --apply runs them: a PostgreSQL sandbox server (NAME:N),"
              + " postgresql://user:password@host:port/database, or duckdb:PATH.")
  String target;

  @Option(names = "--sandbox-home", paramLabel = "DIR", description = "Where sandboxes live.")
  Path sandboxHome;

  @Override
  public Integer call() {
    SchemaTranslator translator = translator();
    if (apply && target == null) {
      throw new CliException("--apply needs --target: where to run the statements", Cli.EXIT_USAGE);
    }
    Endpoint source = Endpoint.parse(from, sandboxHome);
    List<SourceTable> read;
    try (Connection c = source.connect()) {
      read = SourceTables.read(c, schema, tables);
    } catch (SQLException e) {
      throw new CliException(
          "cannot read schema " + schema + " on " + source.address() + ": " + e.getMessage());
    } catch (DdlException e) {
      throw new CliException(source.address() + ": " + e.getMessage());
    }
    List<String> statements = new ArrayList<>();
    String createSchema = translator.createSchema(schema);
    if (createSchema != null) {
      statements.add(createSchema);
    }
    for (SourceTable t : read) {
      statements.addAll(translator.createTable(t));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (!apply) {
      statements.forEach(s -> out.println(s + ";\n"));
      out.flush();
      return 0;
    }
    String address = TargetAddress.parse(target, sandboxHome).address();
    if (address == null) {
      throw new CliException(
          "--target " + target + " is a MariaDB/MySQL server: --apply runs another dialect's DDL",
          Cli.EXIT_USAGE);
    }
    try {
      out.println(translator.apply(address, statements));
    } catch (io.ferry.core.target.TargetException e) {
      throw new CliException(e.getMessage());
    }
    out.flush();
    return 0;
  }

  private SchemaTranslator translator() {
    List<String> dialects = new ArrayList<>();
    for (var type : TargetTypes.all().values()) {
      for (SchemaTranslator t : type.translators()) {
        if (t.dialect().equals(to)) {
          return t;
        }
        dialects.add(t.dialect());
      }
    }
    throw new CliException(
        "no translator for dialect '"
            + to
            + "'; this build has: "
            + (dialects.isEmpty() ? "none" : String.join(", ", dialects)),
        Cli.EXIT_USAGE);
  }
}

package io.ferry.mysql.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.binlog.TableResolver;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The definitions of the source's tables along its binlog, for sources that do not log column names
 * in table maps ({@code binlog_row_metadata} below FULL). It starts from a snapshot of the source's
 * catalog and follows every DDL statement in the binlog; each change is stored with its binlog
 * position in a JSON-lines file, so that after a restart the definitions are exactly those current
 * at the position the extractor resumes from. A DDL statement it cannot understand is recorded and,
 * by policy, stops the extractor or is passed over with a warning. Not thread-safe: one extractor.
 */
public final class SchemaHistory implements TableResolver.Definitions {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaHistory.class);

  /** What to do with a DDL statement the history cannot understand. */
  public enum OnUnparsedDdl {
    STOP,
    CONTINUE
  }

  /** One stored change: where, what statement, and its effect on the catalog. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Entry(
      String at,
      String kind,
      String schema,
      String sql,
      String error,
      String serverCharset,
      List<StoredOp> ops) {}

  /** A catalog operation as stored. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record StoredOp(String op, String schema, String name, String charset, List<ColumnSpec> columns) {
    static StoredOp of(Catalog.Op op) {
      if (op instanceof Catalog.PutTable p) {
        TableDef t = p.table();
        return new StoredOp("putTable", t.schema(), t.name(), t.defaultCharset(), t.columns());
      }
      if (op instanceof Catalog.DropTable d) {
        return new StoredOp("dropTable", d.schema(), d.name(), null, null);
      }
      if (op instanceof Catalog.PutSchema s) {
        return new StoredOp("putSchema", s.name(), null, s.defaultCharset(), null);
      }
      Catalog.DropSchema d = (Catalog.DropSchema) op;
      return new StoredOp("dropSchema", d.name(), null, null, null);
    }

    Catalog.Op toOp() {
      return switch (op) {
        case "putTable" -> new Catalog.PutTable(new TableDef(schema, name, columns, charset));
        case "dropTable" -> new Catalog.DropTable(schema, name);
        case "putSchema" -> new Catalog.PutSchema(schema, charset);
        case "dropSchema" -> new Catalog.DropSchema(schema);
        default -> throw new IllegalArgumentException("unknown schema history operation " + op);
      };
    }
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path file;
  private final OnUnparsedDdl policy;
  private final Catalog catalog = new Catalog();
  private DdlParser parser;

  public SchemaHistory(Path file, OnUnparsedDdl policy) {
    this.file = file;
    this.policy = policy;
  }

  public Path file() {
    return file;
  }

  public Catalog catalog() {
    return catalog;
  }

  /**
   * Prepares the history for reading from {@code resume}: keeps the stored changes at or before it
   * (later ones are read again), or takes a snapshot of the source if nothing is stored.
   */
  public void open(
      BinlogPosition resume, Function<String, String> charsetOfCollation, SnapshotSource source) {
    parser = new DdlParser(catalog, charsetOfCollation);
    catalog.clear();
    List<Entry> entries = load();
    List<Entry> kept = new ArrayList<>();
    for (Entry e : entries) {
      BinlogPosition at = BinlogPosition.parse(e.at());
      if (at.compare(resume).map(c -> c <= 0).orElse(true)) {
        kept.add(e);
      }
    }
    if (kept.size() < entries.size()) {
      rewrite(kept);
      LOG.info(
          "schema history {}: dropped {} changes after {} (they are read again)",
          file,
          entries.size() - kept.size(),
          resume.text());
    }
    if (kept.isEmpty()) {
      // The snapshot shows the catalog as it is now. Reading from an older position is right
      // only if no table changed since; a mismatch is caught when a table map does not fit.
      Entry snapshot = source.take(resume);
      append(snapshot);
      kept.add(snapshot);
      LOG.info("schema history {}: snapshot of the source's catalog at {}", file, resume.text());
    }
    kept.forEach(this::replay);
  }

  private void replay(Entry e) {
    if (e.serverCharset() != null) {
      catalog.setServerCharset(e.serverCharset());
    }
    if ("snapshot".equals(e.kind())) {
      catalog.clear();
      if (e.serverCharset() != null) {
        catalog.setServerCharset(e.serverCharset());
      }
    }
    if (e.ops() != null) {
      e.ops().forEach(op -> catalog.apply(op.toOp()));
    }
  }

  /** Follows a DDL statement read from the binlog. */
  public void ddl(BinlogPosition at, String defaultSchema, String sql) {
    try {
      List<Catalog.Op> ops = parser.apply(defaultSchema, sql);
      if (!ops.isEmpty()) {
        append(
            new Entry(
                at.text(),
                "ddl",
                defaultSchema,
                sql,
                null,
                null,
                ops.stream().map(StoredOp::of).toList()));
      }
    } catch (DdlException e) {
      append(new Entry(at.text(), "unparsed", defaultSchema, sql, e.getMessage(), null, List.of()));
      String message =
          "the schema history cannot follow the DDL statement at "
              + at.text()
              + " ("
              + e.getMessage()
              + "): "
              + abbreviate(sql);
      if (policy == OnUnparsedDdl.STOP) {
        throw new SchemaHistoryException(
            message
                + ". The statement is recorded in "
                + file
                + ". Set binlog_row_metadata=FULL"
                + " on the source (then no history is needed), or set the extractor's"
                + " on-unparsed-ddl to continue to pass over it.");
      }
      LOG.warn("{}; continuing as configured (tables it changed may be read wrongly)", message);
    }
  }

  private static String abbreviate(String sql) {
    String s = io.ferry.mysql.sql.Secrets.redact(sql).strip().replaceAll("\\s+", " ");
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  @Override
  public List<ColumnSpec> columns(String schema, String table) {
    TableDef def = catalog.table(schema, table);
    return def == null ? null : def.columns();
  }

  private List<Entry> load() {
    List<Entry> entries = new ArrayList<>();
    if (!Files.exists(file)) {
      return entries;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SchemaHistoryException(
          "cannot read the schema history " + file + ": " + e.getMessage());
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      try {
        entries.add(JSON.readValue(line, Entry.class));
      } catch (IOException e) {
        if (i == lines.size() - 1) {
          LOG.warn("schema history {}: ignoring a torn last line", file);
          break;
        }
        throw new SchemaHistoryException(
            "the schema history "
                + file
                + " is damaged at line "
                + (i + 1)
                + ": "
                + e.getMessage());
      }
    }
    return entries;
  }

  private void append(Entry e) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      byte[] line = (JSON.writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8);
      try (FileChannel ch =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND)) {
        ch.write(java.nio.ByteBuffer.wrap(line));
        ch.force(false);
      }
    } catch (IOException ex) {
      throw new SchemaHistoryException(
          "cannot write the schema history " + file + ": " + ex.getMessage());
    }
  }

  private void rewrite(List<Entry> entries) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      StringBuilder sb = new StringBuilder();
      for (Entry e : entries) {
        sb.append(JSON.writeValueAsString(e)).append('\n');
      }
      Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException ex) {
      throw new SchemaHistoryException(
          "cannot rewrite the schema history " + file + ": " + ex.getMessage());
    }
  }

  /** Where a snapshot of the catalog comes from (the source, over SQL). */
  public interface SnapshotSource {
    Entry take(BinlogPosition at);
  }

  /** A snapshot entry from the catalog state a parser built. */
  static Entry snapshotEntry(BinlogPosition at, Catalog catalog) {
    List<StoredOp> ops = new ArrayList<>();
    catalog.schemas().forEach((name, cs) -> ops.add(StoredOp.of(new Catalog.PutSchema(name, cs))));
    catalog.tables().forEach(t -> ops.add(StoredOp.of(new Catalog.PutTable(t))));
    return new Entry(at.text(), "snapshot", null, null, null, catalog.serverCharset(), ops);
  }
}

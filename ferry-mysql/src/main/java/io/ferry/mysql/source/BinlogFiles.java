package io.ferry.mysql.source;

import com.github.shyiko.mysql.binlog.BinaryLogFileReader;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.FormatDescriptionEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.ByteArrayEventDataDeserializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The binlog files of a server read from a directory (a failed master's disk, a copy of its
 * binlogs) instead of from the server: the same events, decoded the same way as a live stream
 * (checksums verified, table maps, rows and queries as raw bytes for Ferry to parse), file after
 * file in their order (a file that ends without a rotation, because the server died, is followed by
 * the next one it wrote after its restart, if any). Used by one thread.
 */
public final class BinlogFiles implements AutoCloseable {
  /** name.NNNNNN: six or seven digits (aria_log.00000001 is not a binlog). */
  private static final Pattern NUMBERED = Pattern.compile("(.+)\\.(\\d{6,7})");

  /** The end of the last file cut an event short (the server died writing it). */
  public static final class CutShort extends SourceException {
    private static final long serialVersionUID = 1L;

    CutShort(String message) {
      super(message, false);
    }
  }

  private final Path dir;
  private final List<Path> files;
  private final RawEventDeserializer deserializer = new RawEventDeserializer();
  private int current = -1;
  private BinaryLogFileReader reader;

  /**
   * The files of {@code dir}: those its {@code .index} file names, else every {@code name.NNNNNN}
   * file (one base name only).
   */
  public BinlogFiles(Path dir) {
    this.dir = dir;
    this.files = list(dir);
    for (EventType type : BinlogStream.rawTypes()) {
      deserializer.setEventDataDeserializer(type, new ByteArrayEventDataDeserializer());
    }
  }

  /** The files in reading order. */
  public List<Path> files() {
    return files;
  }

  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new SourceException(
          "there is no binlog directory "
              + dir
              + ": give the directory that holds the binlog files",
          false);
    }
    List<Path> indexed = fromIndex(dir);
    if (indexed != null) {
      return indexed;
    }
    TreeMap<String, List<Path>> byBase = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(
          p -> {
            Matcher m = NUMBERED.matcher(p.getFileName().toString());
            if (m.matches() && Files.isRegularFile(p)) {
              byBase.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(p);
            }
          });
    } catch (IOException e) {
      throw new SourceException("cannot list " + dir + ": " + e.getMessage(), false, e);
    }
    if (byBase.isEmpty()) {
      throw new SourceException(
          "no binlog files (name.000001, ...) in " + dir + ": give the directory of the binlog",
          false);
    }
    if (byBase.size() > 1) {
      throw new SourceException(
          "binlog files of several servers in "
              + dir
              + " ("
              + String.join(", ", byBase.keySet())
              + "): give a directory with one server's binlog",
          false);
    }
    List<Path> out = byBase.firstEntry().getValue();
    out.sort(Comparator.comparing(p -> p.getFileName().toString()));
    for (int i = 1; i < out.size(); i++) {
      long before = number(out.get(i - 1));
      long now = number(out.get(i));
      if (now != before + 1) {
        throw new SourceException(
            "binlog files are missing in "
                + dir
                + ": "
                + out.get(i - 1).getFileName()
                + " is followed by "
                + out.get(i).getFileName()
                + "; copy the files in between (the transactions in them would be skipped)",
            false);
      }
    }
    return List.copyOf(out);
  }

  private static long number(Path p) {
    Matcher m = NUMBERED.matcher(p.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(2)) : -1;
  }

  /**
   * The files an index file names ({@code binlog.index}: one per line, as the server wrote them),
   * those that are in {@code dir}; null when there is no single index file naming any.
   */
  private static List<Path> fromIndex(Path dir) {
    List<Path> indexes;
    try (Stream<Path> s = Files.list(dir)) {
      indexes =
          s.filter(
                  p -> {
                    String n = p.getFileName().toString();
                    return n.endsWith(".index") && !n.contains("relay");
                  })
              .toList();
    } catch (IOException e) {
      throw new SourceException("cannot list " + dir + ": " + e.getMessage(), false, e);
    }
    if (indexes.size() != 1) {
      return null;
    }
    List<Path> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(indexes.get(0))) {
        String name = line.strip();
        if (name.isEmpty()) {
          continue;
        }
        Path p = dir.resolve(Path.of(name).getFileName());
        if (!Files.isRegularFile(p)) {
          throw new SourceException(
              p.getFileName()
                  + " is listed in "
                  + indexes.get(0).getFileName()
                  + " but is not in "
                  + dir
                  + ": copy it too (the transactions in it would be skipped)",
              false);
        }
        out.add(p);
      }
    } catch (IOException | java.nio.file.InvalidPathException e) {
      throw new SourceException(
          "cannot read " + indexes.get(0) + ": " + e.getMessage() + "", false, e);
    }
    return out.isEmpty() ? null : List.copyOf(out);
  }

  /** The file of this name, or an error listing what there is. */
  public int indexOf(String file) {
    for (int i = 0; i < files.size(); i++) {
      if (files.get(i).getFileName().toString().equals(file)) {
        return i;
      }
    }
    throw new SourceException(
        "binlog file "
            + file
            + " is not in "
            + dir
            + " (it has "
            + files.get(0).getFileName()
            + " to "
            + files.get(files.size() - 1).getFileName()
            + ")",
        false);
  }

  /** Reads from the start of file {@code index} on. */
  public void open(int index) {
    closeReader();
    current = index;
    try {
      reader = new BinaryLogFileReader(files.get(index).toFile(), deserializer);
    } catch (IOException e) {
      throw new SourceException(
          "cannot read binlog file " + files.get(index) + ": " + e.getMessage(), false, e);
    }
  }

  /** The name of the file being read. */
  public String currentFile() {
    return files.get(current).getFileName().toString();
  }

  /**
   * The next event, going on to the next file after a rotation; null at the end of the last file
   * (or of a file the server never rotated away from).
   */
  @SuppressWarnings("deprecation") // a file states its checksum in its format description
  public Event next() {
    while (reader != null) {
      Event e;
      try {
        e = reader.readEvent();
      } catch (java.io.EOFException ex) {
        if (current + 1 < files.size()) {
          throw new SourceException(
              "binlog file "
                  + files.get(current)
                  + " ends inside an event, and later files follow it: it is damaged ("
                  + ex.getMessage()
                  + ")",
              false,
              ex);
        }
        closeReader();
        throw new CutShort(
            "the last binlog file "
                + files.get(current).getFileName()
                + " ends inside an event (the server died writing it): what came before was"
                + " read, the transaction it belongs to is not applied");
      } catch (IOException ex) {
        throw new SourceException(
            "cannot read binlog file " + files.get(current) + ": " + ex.getMessage(), false, ex);
      }
      if (e == null) {
        if (current + 1 < files.size()) {
          open(current + 1);
          continue;
        }
        closeReader();
        return null;
      }
      if (e.getHeader().getEventType() == EventType.FORMAT_DESCRIPTION) {
        deserializer.setChecksumType(((FormatDescriptionEventData) e.getData()).getChecksumType());
      }
      return e;
    }
    return null;
  }

  private void closeReader() {
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException ignored) {
        // read-only
      }
      reader = null;
    }
  }

  @Override
  public void close() {
    closeReader();
  }
}

package io.ferry.mysql.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files of a directory are a server's binlog, and what is refused. */
class BinlogFilesTest {
  @TempDir Path dir;

  private void touch(String... names) throws Exception {
    for (String n : names) {
      Files.write(dir.resolve(n), new byte[] {(byte) 0xfe, 'b', 'i', 'n'});
    }
  }

  private List<String> names() {
    return new BinlogFiles(dir).files().stream().map(p -> p.getFileName().toString()).toList();
  }

  @Test
  void theIndexNamesTheFilesInADataDirectory() throws Exception {
    touch("binlog.000001", "binlog.000002", "aria_log.00000001", "relay-bin.000001", "ibdata1");
    Files.writeString(dir.resolve("binlog.index"), "./binlog.000001\n./binlog.000002\n");
    Files.writeString(dir.resolve("relay-bin.index"), "./relay-bin.000001\n");
    assertThat(names()).containsExactly("binlog.000001", "binlog.000002");
  }

  @Test
  void withoutAnIndexTheNumberedFilesOfOneName() throws Exception {
    touch("mysql-bin.000010", "mysql-bin.000009", "aria_log.00000001");
    assertThat(names()).containsExactly("mysql-bin.000009", "mysql-bin.000010");
  }

  @Test
  void missingFilesAreRefused() throws Exception {
    touch("binlog.000001", "binlog.000003");
    assertThatThrownBy(() -> new BinlogFiles(dir))
        .hasMessageContaining("binlog.000001 is followed by binlog.000003");
    Files.writeString(dir.resolve("binlog.index"), "./binlog.000001\n./binlog.000002\n");
    assertThatThrownBy(() -> new BinlogFiles(dir))
        .hasMessageContaining("binlog.000002 is listed in binlog.index but is not in");
  }

  @Test
  void severalServersOrNoneAreRefused() throws Exception {
    assertThatThrownBy(() -> new BinlogFiles(dir)).hasMessageContaining("no binlog files");
    touch("a-bin.000001", "b-bin.000001");
    assertThatThrownBy(() -> new BinlogFiles(dir)).hasMessageContaining("several servers");
    assertThatThrownBy(() -> new BinlogFiles(dir.resolve("nope")))
        .hasMessageContaining("there is no binlog directory");
  }
}

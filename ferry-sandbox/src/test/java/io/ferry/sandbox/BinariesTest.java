package io.ferry.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinariesTest {
  @TempDir Path empty;

  @Test
  void missingMariaDbSaysHowToInstallIt() {
    Binaries none = new Binaries(empty, List.of(empty), empty, false);
    assertThatThrownBy(() -> none.locate(Flavor.MARIADB, BinarySource.SYSTEM))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("MariaDB server programs not found")
        .hasMessageContaining("mariadbd and mariadb-install-db in [" + empty + "]")
        .hasMessageContaining("sudo apt-get install -y mariadb-server mariadb-client")
        .hasMessageContaining("--binaries embedded");
  }

  @Test
  void missingPostgresSaysHowToInstallIt() {
    Binaries none = new Binaries(empty, List.of(empty), empty, false);
    assertThatThrownBy(() -> none.locate(Flavor.POSTGRESQL, BinarySource.SYSTEM))
        .hasMessageContaining("PostgreSQL server programs not found")
        .hasMessageContaining("sudo apt-get install -y postgresql");
  }

  @Test
  void systemBinariesReportTheirVersion() {
    ServerBinaries mariadb = new Binaries(empty).locate(Flavor.MARIADB, BinarySource.SYSTEM);
    assertThat(mariadb.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(mariadb.server().getFileName().toString()).isEqualTo("mariadbd");
  }

  @Test
  void flavorAndSourceNamesAreParsedWithHelpfulErrors() {
    assertThat(Flavor.parse("PostgreSQL")).isEqualTo(Flavor.POSTGRESQL);
    assertThat(Flavor.parse("postgres")).isEqualTo(Flavor.POSTGRESQL);
    assertThatThrownBy(() -> BinarySource.parse("docker"))
        .hasMessage("unknown binaries source 'docker': expected 'system' or 'embedded'");
  }
}

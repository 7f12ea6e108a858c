package io.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FerryVersionTest {
  @Test
  void versionIsStampedByTheBuild() {
    assertThat(FerryVersion.version()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
  }
}

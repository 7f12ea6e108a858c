package io.ferry.scripting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.SqlType;
import io.ferry.core.value.Text;
import org.junit.jupiter.api.Test;

/** Text a script writes reaches a column only if the column's character set can hold it. */
class ValueParserTest {
  private static ColumnSpec column(String charset) {
    return ColumnSpec.of("name", SqlType.VARCHAR).withCharset(charset);
  }

  @Test
  void charactersPastTheBasicPlaneNeedUtf8mb4() {
    String emoji = "a\uD83D\uDE00";
    assertThat(((Text) ValueParser.parse(emoji, column("utf8mb4"), "name")).toString())
        .isEqualTo(emoji);
    for (String charset : new String[] {"utf8mb3", "utf8", "ucs2"}) {
      assertThatThrownBy(() -> ValueParser.parse(emoji, column(charset), "name"))
          .as(charset)
          .hasMessageContaining("column 'name'")
          .hasMessageContaining("cannot hold U+1F600 at index 1")
          .hasMessageContaining("the column needs utf8mb4");
    }
    assertThat(((Text) ValueParser.parse("é", column("utf8mb3"), "name")).toString())
        .isEqualTo("é");
    assertThatThrownBy(() -> ValueParser.parse("é", column("ascii"), "name"))
        .hasMessageContaining("cannot hold U+00E9 at index 0");
  }
}

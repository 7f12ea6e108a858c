package io.ferry.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a setting's text becomes a value, and what text it takes (for error messages and the
 * generated reference). Parsers throw {@link IllegalArgumentException} with a message that says
 * what was expected. Immutable.
 *
 * @param <T> the value type
 */
public interface SettingType<T> {
  T parse(String text);

  /** What the setting takes, for people: "a duration (500ms, 5s, 10m, 1h, 7d)". */
  String describe();

  /** The canonical text of a value. */
  default String format(T value) {
    return String.valueOf(value);
  }

  SettingType<String> STRING =
      new SettingType<>() {
        @Override
        public String parse(String text) {
          return text;
        }

        @Override
        public String describe() {
          return "text";
        }
      };

  SettingType<String> NAME =
      new SettingType<>() {
        @Override
        public String parse(String text) {
          if (!text.matches("[A-Za-z0-9_]{1,56}")) {
            throw new IllegalArgumentException(
                "'" + text + "' is not a name: use 1 to 56 letters, digits or underscores");
          }
          return text;
        }

        @Override
        public String describe() {
          return "a name (letters, digits, underscores)";
        }
      };

  SettingType<Boolean> BOOLEAN =
      new SettingType<>() {
        @Override
        public Boolean parse(String text) {
          return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default ->
                throw new IllegalArgumentException(
                    "'" + text + "' is not true or false (yes/no, on/off also do)");
          };
        }

        @Override
        public String describe() {
          return "true or false";
        }
      };

  SettingType<Integer> PORT = integer(1, 65535);

  SettingType<Duration> DURATION =
      new SettingType<>() {
        private final Pattern p = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

        @Override
        public Duration parse(String text) {
          Matcher m = p.matcher(text.trim().toLowerCase(Locale.ROOT));
          if (!m.matches()) {
            throw new IllegalArgumentException(
                "'"
                    + text
                    + "' is not a duration: write a number and a unit, like "
                    + "500ms, 5s, 10m, 1h or 7d");
          }
          long n = Long.parseLong(m.group(1));
          return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
        }

        @Override
        public String describe() {
          return "a duration (500ms, 5s, 10m, 1h, 7d)";
        }

        @Override
        public String format(Duration d) {
          long ms = d.toMillis();
          if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
          }
          if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
          }
          if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
          }
          if (ms % 1000 == 0) {
            return ms / 1000 + "s";
          }
          return ms + "ms";
        }
      };

  SettingType<Long> SIZE =
      new SettingType<>() {
        private final Pattern p = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

        @Override
        public Long parse(String text) {
          Matcher m = p.matcher(text.trim().toLowerCase(Locale.ROOT));
          if (!m.matches()) {
            throw new IllegalArgumentException(
                "'"
                    + text
                    + "' is not a size: write bytes, or a number with k, m or g (64k, 1m, 2g)");
          }
          long n = Long.parseLong(m.group(1));
          String unit = m.group(2) == null ? "b" : m.group(2);
          return switch (unit.charAt(0)) {
            case 'k' -> n << 10;
            case 'm' -> n << 20;
            case 'g' -> n << 30;
            default -> n;
          };
        }

        @Override
        public String describe() {
          return "a size in bytes, or with k, m, g (binary: 1m = 1048576)";
        }

        @Override
        public String format(Long v) {
          if (v > 0 && v % (1L << 30) == 0) {
            return (v >> 30) + "g";
          }
          if (v > 0 && v % (1L << 20) == 0) {
            return (v >> 20) + "m";
          }
          if (v > 0 && v % (1L << 10) == 0) {
            return (v >> 10) + "k";
          }
          return Long.toString(v);
        }
      };

  SettingType<Path> PATH =
      new SettingType<>() {
        @Override
        public Path parse(String text) {
          return Path.of(text);
        }

        @Override
        public String describe() {
          return "a path (relative paths are relative to the configuration file's directory)";
        }
      };

  /** A size from {@code min} to {@code max} bytes. */
  static SettingType<Long> sizeRange(long min, long max) {
    return new SettingType<>() {
      @Override
      public Long parse(String text) {
        long v = SIZE.parse(text);
        if (v < min || v > max) {
          throw new IllegalArgumentException(
              "'"
                  + text
                  + "' is out of range: give a size from "
                  + SIZE.format(min)
                  + " to "
                  + SIZE.format(max));
        }
        return v;
      }

      @Override
      public String describe() {
        return SIZE.describe() + ", from " + SIZE.format(min) + " to " + SIZE.format(max);
      }

      @Override
      public String format(Long v) {
        return SIZE.format(v);
      }
    };
  }

  static SettingType<Integer> integer(int min, int max) {
    SettingType<Long> whole = longRange(min, max);
    return new SettingType<>() {
      @Override
      public Integer parse(String text) {
        return whole.parse(text).intValue();
      }

      @Override
      public String describe() {
        return whole.describe();
      }
    };
  }

  static SettingType<Long> longRange(long min, long max) {
    return new SettingType<>() {
      @Override
      public Long parse(String text) {
        long v;
        try {
          v = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + text + "' is not a whole number", e);
        }
        if (v < min || v > max) {
          throw new IllegalArgumentException(v + " is out of range " + min + " to " + max);
        }
        return v;
      }

      @Override
      public String describe() {
        return "a whole number from " + min + " to " + max;
      }
    };
  }

  /** One of a fixed set of words (case-insensitive; the canonical form is lower case). */
  static SettingType<String> oneOf(String... values) {
    List<String> allowed = List.of(values);
    return new SettingType<>() {
      @Override
      public String parse(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
          throw new IllegalArgumentException(
              "'" + text + "' is not one of " + String.join(", ", allowed));
        }
        return v;
      }

      @Override
      public String describe() {
        return "one of " + String.join(", ", allowed);
      }
    };
  }

  /** Values read by a parser of their own (for example a start position). */
  static <T> SettingType<T> checked(
      String description, java.util.function.Function<String, T> parser) {
    return checked(description, parser, String::valueOf);
  }

  /** The same, with the canonical text of a value. */
  static <T> SettingType<T> checked(
      String description,
      java.util.function.Function<String, T> parser,
      java.util.function.Function<T, String> formatter) {
    return new SettingType<>() {
      @Override
      public T parse(String text) {
        return parser.apply(text.trim());
      }

      @Override
      public String describe() {
        return description;
      }

      @Override
      public String format(T value) {
        return formatter.apply(value);
      }
    };
  }
}

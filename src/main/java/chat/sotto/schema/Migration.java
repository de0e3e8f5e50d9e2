package chat.sotto.schema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * One versioned script of {@code db/migration}, named {@code V<version>__<words_of_the_description>.sql}.
 *
 * @param version its version, from 1 up
 * @param script the script's file name, as the schema history records it
 * @param sql the script's text
 */
public record Migration(int version, String script, String sql) {
  private static final Pattern NAME = Pattern.compile("V([1-9][0-9]{0,8})__([A-Za-z0-9_]+)\\.sql");

  public Migration {
    Objects.requireNonNull(sql, "sql");
    Matcher name = NAME.matcher(Objects.requireNonNull(script, "script"));
    if (!name.matches() || Integer.parseInt(name.group(1)) != version) {
      throw new IllegalArgumentException("not a migration script name for version " + version + ": " + script);
    }
  }

  /** The version a script's file name gives, or -1 for a name that is not a migration script's. */
  static int versionOf(String script) {
    Matcher name = NAME.matcher(script);
    return name.matches() ? Integer.parseInt(name.group(1)) : -1;
  }

  /** The description the schema history records: the name's words after the version. */
  public String description() {
    Matcher name = NAME.matcher(script);
    name.matches();
    return name.group(2).replace('_', ' ');
  }

  /** The statements to run, in order. */
  public List<String> statements() {
    return SqlStatements.split(sql);
  }

  /**
   * The checksum the schema history records: a CRC-32 of the script's lines without their line breaks (a leading
   * byte-order mark dropped), the value earlier releases (Flyway) recorded for the same script.
   */
  public int checksum() {
    CRC32 crc = new CRC32();
    try (BufferedReader lines = new BufferedReader(new StringReader(sql))) {
      String line = lines.readLine();
      if (line != null && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      for (; line != null; line = lines.readLine()) {
        crc.update(line.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return (int) crc.getValue();
  }
}

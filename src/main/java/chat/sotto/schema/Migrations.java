package chat.sotto.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The migration scripts the WAR carries: {@code db/migration}, in the order its {@code index} lists them. */
public final class Migrations {
  static final String DIRECTORY = "db/migration/";
  static final String INDEX = DIRECTORY + "index";

  private Migrations() {}

  /** Every bundled migration, versions 1, 2, 3, ... without a gap. */
  public static List<Migration> bundled() {
    List<Migration> migrations = new ArrayList<>();
    for (String line : read(INDEX).split("\n")) {
      String script = line.strip();
      if (script.isEmpty() || script.startsWith("#")) {
        continue;
      }
      int version = migrations.size() + 1;
      if (Migration.versionOf(script) != version) {
        throw new IllegalStateException(INDEX + " lists " + script + " where version " + version + " belongs");
      }
      migrations.add(new Migration(version, script, read(DIRECTORY + script)));
    }
    return List.copyOf(migrations);
  }

  private static String read(String resource) {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing from the application: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package chat.sotto.testsupport;

import chat.sotto.schema.Migrations;
import chat.sotto.schema.Migrator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Brings a test's own H2 database to a schema version with the server's migrations. */
public final class Schemas {
  private Schemas() {}

  public static void migrate(String url) throws SQLException {
    migrate(url, Migrations.bundled().size());
  }

  public static void migrate(String url, int version) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "sa", "")) {
      new Migrator(Migrations.bundled()).migrate(c, version);
    }
  }
}

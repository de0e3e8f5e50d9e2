package chat.sotto.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MigratorTest {
  private static final List<Migration> BUNDLED = Migrations.bundled();
  /** The history's rows of versions (Flyway also recorded the table's creation, without a version). */
  private static final String HISTORY =
      "SELECT \"version\", \"type\", \"checksum\", \"success\" FROM \"flyway_schema_history\""
          + " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"";

  private String url;
  private Connection c;

  @BeforeEach
  void database() throws SQLException {
    url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    c = DriverManager.getConnection(url, "sa", "");
  }

  @AfterEach
  void close() throws SQLException {
    c.close();
  }

  @Test
  void theIndexListsEveryScriptOfTheDirectoryInVersionOrder() throws IOException {
    List<String> scripts;
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
      scripts =
          files.map(p -> p.getFileName().toString())
              .filter(name -> name.endsWith(".sql"))
              .sorted(Comparator.comparingInt(Migration::versionOf))
              .toList();
    }
    assertEquals(scripts, BUNDLED.stream().map(Migration::script).toList());
  }

  @Test
  void anEmptyDatabaseGetsEveryVersionOnceAndASecondRunChangesNothing() throws SQLException {
    assertEquals(new Migrator.Result(BUNDLED.size(), BUNDLED.size()), new Migrator(BUNDLED).migrate(c));
    assertEquals(new Migrator.Result(BUNDLED.size(), 0), new Migrator(BUNDLED).migrate(c));

    List<String> rows = rows(HISTORY);
    assertEquals(BUNDLED.size(), rows.size());
    for (Migration m : BUNDLED) {
      assertEquals(m.version() + " SQL " + m.checksum() + " TRUE", rows.get(m.version() - 1));
    }
    assertEquals(List.of("0"), rows("SELECT COUNT(*) FROM rooms"), "the tables are there");
    assertTrue(c.getAutoCommit(), "the connection is handed back as it came");
  }

  @Test
  void aDatabaseThatFlywayLeftAtAnOlderVersionIsUpgradedFromThereWithTheSameChecksums() throws SQLException {
    Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration").target("3").load().migrate();
    List<String> byFlyway = rows(HISTORY);

    assertEquals(new Migrator.Result(BUNDLED.size(), BUNDLED.size() - 3), new Migrator(BUNDLED).migrate(c));

    List<String> rows = rows(HISTORY);
    assertEquals(byFlyway, rows.subList(0, 3), "Flyway's rows are kept as they were");
    for (Migration m : BUNDLED) {
      assertEquals(m.version() + " SQL " + m.checksum() + " TRUE", rows.get(m.version() - 1));
    }
  }

  @Test
  void aDatabaseMadeBeforeThereWereMigrationsCountsAsVersionOne() throws SQLException {
    for (String statement : BUNDLED.get(0).statements()) {
      execute(statement);
    }
    execute("INSERT INTO rooms (id, created_at, last_activity_at, owner_session_id, last_seq) VALUES ('r', 0, 0, 'o', 0)");

    assertEquals(new Migrator.Result(BUNDLED.size(), BUNDLED.size() - 1), new Migrator(BUNDLED).migrate(c));

    assertEquals("1 BASELINE null TRUE", rows(HISTORY).get(0));
    assertEquals(List.of("r"), rows("SELECT id FROM rooms"), "its rows are kept");
  }

  @Test
  void aTargetStopsTheRunAtThatVersion() throws SQLException {
    assertEquals(new Migrator.Result(4, 4), new Migrator(BUNDLED).migrate(c, 4));
    assertEquals(new Migrator.Result(4, 0), new Migrator(BUNDLED).migrate(c, 2), "never downwards");
    assertEquals(new Migrator.Result(BUNDLED.size(), BUNDLED.size() - 4), new Migrator(BUNDLED).migrate(c));
  }

  @Test
  void aFailingMigrationStopsTheStartNamesItsScriptAndRecordsOnlyTheVersionsBefore() throws SQLException {
    List<Migration> broken = new ArrayList<>(BUNDLED.subList(0, 2));
    broken.add(new Migration(3, "V3__broken.sql", "CREATE TABLE t3 (a INT);\nINSERT INTO no_such_table VALUES (1);"));

    SQLException refused = assertThrows(SQLException.class, () -> new Migrator(broken).migrate(c));

    assertTrue(refused.getMessage().contains("version 3 (V3__broken.sql)"), refused.getMessage());
    assertEquals(List.of("1 SQL " + BUNDLED.get(0).checksum() + " TRUE", "2 SQL " + BUNDLED.get(1).checksum() + " TRUE"), rows(HISTORY));
    assertTrue(c.getAutoCommit());
  }

  @Test
  void aScriptChangedAfterItWasAppliedStopsTheStart() throws SQLException {
    new Migrator(BUNDLED.subList(0, 2)).migrate(c);
    List<Migration> changed = new ArrayList<>(BUNDLED);
    Migration two = BUNDLED.get(1);
    changed.set(1, new Migration(2, two.script(), two.sql() + "\n-- edited"));

    SQLException refused = assertThrows(SQLException.class, () -> new Migrator(changed).migrate(c));

    assertTrue(refused.getMessage().contains("version 2 was applied from a different " + two.script()), refused.getMessage());
    assertEquals(2, rows(HISTORY).size(), "nothing more was applied");
  }

  @Test
  void aDatabaseNewerThanTheReleaseStopsTheStart() throws SQLException {
    new Migrator(BUNDLED).migrate(c);

    SQLException refused = assertThrows(SQLException.class, () -> new Migrator(BUNDLED.subList(0, 3)).migrate(c));

    assertTrue(refused.getMessage().contains("newer than this release knows"), refused.getMessage());
  }

  @Test
  void aVersionThatFlywayRecordedAsFailedStopsTheStart() throws SQLException {
    new Migrator(BUNDLED.subList(0, 2)).migrate(c);
    execute("UPDATE \"flyway_schema_history\" SET \"success\" = FALSE WHERE \"version\" = '2'");

    SQLException refused = assertThrows(SQLException.class, () -> new Migrator(BUNDLED).migrate(c));

    assertTrue(refused.getMessage().contains("schema version 2 failed"), refused.getMessage());
  }

  private void execute(String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private List<String> rows(String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          row.append(i > 1 ? " " : "").append(rs.getString(i));
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }
}

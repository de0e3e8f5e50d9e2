package chat.sotto.schema;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Brings a database's schema to a version by running the migrations it has not had yet, each in a transaction of its
 * own, and records them in the schema history table. The table keeps the name and columns that earlier releases
 * (which used Flyway) gave it, so a database they left is upgraded from where it stands.
 *
 * <p>On PostgreSQL the whole run holds an advisory lock, so nodes starting together apply each version once, and a
 * migration that fails leaves nothing behind (its DDL is rolled back with it). H2 commits DDL as it goes; its default
 * database lives in memory and is made anew at each start.
 */
public final class Migrator {
  static final String HISTORY = "flyway_schema_history";
  private static final String TABLE = '"' + HISTORY + '"';
  /** The advisory lock's key: any constant that other software on the same database is unlikely to take. */
  private static final long LOCK_KEY = 0x5077_05C4_E3A0L;

  private final List<Migration> migrations;

  public Migrator(List<Migration> migrations) {
    for (int i = 0; i < migrations.size(); i++) {
      if (migrations.get(i).version() != i + 1) {
        throw new IllegalArgumentException("migrations must be versions 1, 2, 3, ... in order");
      }
    }
    this.migrations = List.copyOf(migrations);
  }

  /** What a run found and did. */
  public record Result(int version, int applied) {}

  /** Migrates to the latest version. */
  public Result migrate(Connection c) throws SQLException {
    return migrate(c, migrations.size());
  }

  /** Migrates to {@code target} (or leaves a database that is already there, or beyond, as it is). */
  public Result migrate(Connection c, int target) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
    c.setAutoCommit(true);
    if (postgres) {
      execute(c, "SELECT pg_advisory_lock(" + LOCK_KEY + ")");
    }
    try {
      if (!tableExists(c, HISTORY)) {
        createHistory(c);
      }
      int version = verifiedVersion(c);
      int applied = 0;
      for (Migration m : migrations) {
        if (m.version() > version && m.version() <= target) {
          apply(c, m);
          version = m.version();
          applied++;
        }
      }
      return new Result(version, applied);
    } finally {
      try {
        if (postgres) {
          execute(c, "SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
        }
      } finally {
        c.setAutoCommit(autoCommit);
      }
    }
  }

  private void createHistory(Connection c) throws SQLException {
    execute(
        c,
        "CREATE TABLE IF NOT EXISTS " + TABLE + " (\"installed_rank\" INT NOT NULL PRIMARY KEY, \"version\" VARCHAR(50),"
            + " \"description\" VARCHAR(200) NOT NULL, \"type\" VARCHAR(20) NOT NULL, \"script\" VARCHAR(1000) NOT NULL,"
            + " \"checksum\" INT, \"installed_by\" VARCHAR(100) NOT NULL,"
            + " \"installed_on\" TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, \"execution_time\" INT NOT NULL,"
            + " \"success\" BOOLEAN NOT NULL)");
    // A database from before the migrations (its tables made by JPA, identical to version 1) counts as version 1.
    if (tableExists(c, "rooms")) {
      record(c, 1, "<< Baseline >>", "BASELINE", "<< Baseline >>", null, 0);
    }
  }

  /** The version the history records, after checking that it is one this release knows and can build on. */
  private int verifiedVersion(Connection c) throws SQLException {
    TreeMap<Integer, Integer> checksums = new TreeMap<>(); // version -> checksum, null for a baseline
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT \"version\", \"type\", \"checksum\", \"success\" FROM " + TABLE
                    + " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
      while (rs.next()) {
        int version = Integer.parseInt(rs.getString(1).strip());
        if (!rs.getBoolean(4)) {
          throw new SQLException(
              "schema version " + version + " failed to apply at an earlier start; restore the database from a backup");
        }
        if (version > migrations.size()) {
          throw new SQLException(
              "the database is at schema version " + version + ", newer than this release knows (" + migrations.size()
                  + "): run the release that upgraded it");
        }
        boolean baseline = "BASELINE".equals(rs.getString(2));
        int checksum = rs.getInt(3);
        checksums.put(version, baseline || rs.wasNull() ? null : checksum);
      }
    }
    for (Map.Entry<Integer, Integer> applied : checksums.entrySet()) {
      Integer recorded = applied.getValue();
      Migration m = migrations.get(applied.getKey() - 1);
      if (recorded != null && recorded != m.checksum()) {
        throw new SQLException("schema version " + m.version() + " was applied from a different " + m.script());
      }
    }
    return checksums.isEmpty() ? 0 : checksums.lastKey();
  }

  private void apply(Connection c, Migration m) throws SQLException {
    long started = System.nanoTime();
    c.setAutoCommit(false);
    try {
      for (String statement : m.statements()) {
        execute(c, statement);
      }
      int millis = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
      record(c, m.version(), m.description(), "SQL", m.script(), m.checksum(), millis);
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw new SQLException("schema migration to version " + m.version() + " (" + m.script() + ") failed", e);
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static void record(
      Connection c, int version, String description, String type, String script, Integer checksum, int millis)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO " + TABLE + " (\"installed_rank\", \"version\", \"description\", \"type\", \"script\","
                + " \"checksum\", \"installed_by\", \"execution_time\", \"success\")"
                + " SELECT COALESCE(MAX(\"installed_rank\"), 0) + 1, ?, ?, ?, ?, ?, ?, ?, TRUE FROM " + TABLE)) {
      s.setString(1, Integer.toString(version));
      s.setString(2, description);
      s.setString(3, type);
      s.setString(4, script);
      if (checksum == null) {
        s.setNull(5, Types.INTEGER);
      } else {
        s.setInt(5, checksum);
      }
      String user = c.getMetaData().getUserName();
      s.setString(6, user == null || user.isEmpty() ? "sotto" : user);
      s.setInt(7, millis);
      s.executeUpdate();
    }
  }

  private static boolean tableExists(Connection c, String name) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    String schema = c.getSchema();
    for (String spelling : new String[] {name, name.toUpperCase(Locale.ROOT)}) {
      try (ResultSet rs = meta.getTables(c.getCatalog(), schema, spelling, null)) {
        if (rs.next()) {
          return true;
        }
      }
    }
    return false;
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}

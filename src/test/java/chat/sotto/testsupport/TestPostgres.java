package chat.sotto.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A private PostgreSQL cluster for the tests: initdb into a fresh directory, started on loopback on the given port,
 * with a database and role {@code sotto}; stopped and deleted at the end.
 */
public final class TestPostgres implements AutoCloseable {
  /**
   * What PostgreSQL may log, as deploy/compose.yaml configures it: no connection lines, no host names, no statements,
   * and errors without their DETAIL (a unique violation's DETAIL quotes the key: room and session IDs).
   */
  public static final String PRIVATE_LOGGING =
      " -c log_error_verbosity=terse -c log_min_error_statement=panic -c log_connections=off"
          + " -c log_disconnections=off -c log_hostname=off -c log_statement=none";

  private static final String OPTIONS = " -c fsync=off -c max_connections=200" + PRIVATE_LOGGING;

  private final Path dir;
  private final String bin;
  private final int port;
  private Path log;

  private TestPostgres(Path dir, String bin, int port) {
    this.dir = dir;
    this.bin = bin;
    this.port = port;
  }

  /** The server's log files (what it writes besides its data). */
  public List<Path> logs() {
    return List.of(log, dir.resolve("restart.log"));
  }

  public static boolean installed() {
    return binDir() != null;
  }

  public static TestPostgres start(int port) throws IOException {
    String bin = binDir();
    if (bin == null) {
      throw new IOException("PostgreSQL is not installed: install Debian's postgresql package (.ci/run does)");
    }
    Path dir = Files.createTempDirectory("sotto-pg");
    Path log = Files.createTempFile("sotto-pg", ".log");
    if (ExternalProcess.root()) {
      ExternalProcess.run(List.of("chown", "postgres:postgres", dir.toString(), log.toString()), tempLog());
    }
    TestPostgres pg = new TestPostgres(dir, bin, port);
    pg.log = log;
    Path data = dir.resolve("data");
    ExternalProcess.run(
        ExternalProcess.as("postgres", List.of(bin + "/initdb", "-D", data.toString(), "-A", "trust", "-U", "postgres", "-E", "UTF8")),
        tempLog());
    ExternalProcess.run(
        ExternalProcess.as(
            "postgres",
            List.of(
                bin + "/pg_ctl", "-D", data.toString(), "-l", log.toString(), "-w", "-t", "30", "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + OPTIONS,
                "start")),
        tempLog());
    ExternalProcess.awaitPort(port, 30_000, "PostgreSQL");
    pg.psql("CREATE ROLE sotto LOGIN PASSWORD 'sotto'");
    pg.psql("CREATE DATABASE sotto OWNER sotto");
    return pg;
  }

  /** Creates another empty database owned by {@code sotto}. */
  public void createDatabase(String name) throws IOException {
    psql("CREATE DATABASE " + name + " OWNER sotto");
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public int port() {
    return port;
  }

  private void psql(String sql) throws IOException {
    ExternalProcess.run(
        ExternalProcess.as(
            "postgres", List.of(bin + "/psql", "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql)),
        tempLog());
  }

  /** Stops the server (its data stays), as an outage would. */
  public void stop() throws IOException {
    ExternalProcess.run(
        ExternalProcess.as("postgres", List.of(bin + "/pg_ctl", "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop")),
        tempLog());
  }

  /** Starts the stopped server again on the same port. */
  public void startAgain() throws IOException {
    ExternalProcess.run(
        ExternalProcess.as(
            "postgres",
            List.of(
                bin + "/pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("restart.log").toString(), "-w",
                "-t", "30", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + OPTIONS,
                "start")),
        tempLog());
    ExternalProcess.awaitPort(port, 30_000, "PostgreSQL");
  }

  @Override
  public void close() {
    try {
      ExternalProcess.run(
          ExternalProcess.as("postgres", List.of(bin + "/pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop")),
          tempLog());
    } catch (IOException e) {
      // already stopped
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // a temp directory left behind
    }
  }

  private static Path tempLog() throws IOException {
    Path log = Files.createTempFile("sotto-pg-cmd", ".log");
    log.toFile().deleteOnExit();
    return log;
  }

  private static String binDir() {
    File[] versions = new File("/usr/lib/postgresql").listFiles();
    if (versions == null) {
      return null;
    }
    return Arrays.stream(versions)
        .map(v -> new File(v, "bin"))
        .filter(b -> new File(b, "initdb").canExecute())
        .map(File::getPath)
        .max(Comparator.naturalOrder())
        .orElse(null);
  }
}

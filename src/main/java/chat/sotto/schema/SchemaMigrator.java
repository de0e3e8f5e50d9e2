package chat.sotto.schema;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** Brings the schema to the current version before anything else of the application runs. */
@Singleton
@Startup
@TransactionManagement(TransactionManagementType.BEAN)
public class SchemaMigrator {
  private static final Logger LOG = Logger.getLogger(SchemaMigrator.class.getName());

  @Resource(lookup = "jdbc/sotto")
  DataSource dataSource;

  @PostConstruct
  void migrate() {
    try (Connection c = dataSource.getConnection()) {
      Migrator.Result result = new Migrator(Migrations.bundled()).migrate(c);
      LOG.log(
          Level.INFO,
          "database schema at version {0} ({1} migrations applied now)",
          new Object[] {result.version(), result.applied()});
    } catch (SQLException e) {
      // The application must not start on a schema it does not know; the message says what to do.
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}

package chat.sotto.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlStatementsTest {
  @Test
  void aScriptIsSplitAtSemicolonsWithItsCommentsDropped() {
    assertEquals(
        List.of("CREATE TABLE a (x INT)", "DELETE FROM a\n WHERE x = 1"),
        SqlStatements.split("-- a comment; with a semicolon\nCREATE TABLE a (x INT); -- trailing\n\nDELETE FROM a\n WHERE x = 1;\n"));
  }

  @Test
  void semicolonsAndDashesInsideQuotesBelongToTheStatement() {
    assertEquals(
        List.of("INSERT INTO a VALUES ('x;y--z', 'it''s')", "SELECT \"odd;name\" FROM a"),
        SqlStatements.split("INSERT INTO a VALUES ('x;y--z', 'it''s');SELECT \"odd;name\" FROM a"));
  }

  @Test
  void anUnclosedQuoteIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> SqlStatements.split("SELECT 'oops"));
  }

  @Test
  void aScriptNameMustCarryItsVersion() {
    assertThrows(IllegalArgumentException.class, () -> new Migration(2, "V3__other.sql", "SELECT 1"));
    assertThrows(IllegalArgumentException.class, () -> new Migration(1, "rooms.sql", "SELECT 1"));
    assertEquals("room trust", new Migration(6, "V6__room_trust.sql", "SELECT 1").description());
  }
}

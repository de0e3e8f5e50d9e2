package chat.sotto.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a migration script into statements: at each {@code ;} outside a quoted string or identifier, with
 * {@code --} comments (to the end of the line) dropped. Enough for the plain DDL and DML the migrations hold; a script
 * never needs PostgreSQL's dollar quoting or procedural blocks.
 */
final class SqlStatements {
  private SqlStatements() {}

  static List<String> split(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < script.length(); i++) {
      char c = script.charAt(i);
      if (quote != 0) {
        current.append(c);
        if (c == quote) {
          quote = 0; // a doubled quote ('it''s') closes and reopens: the same text results
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        current.append(c);
      } else if (c == '-' && i + 1 < script.length() && script.charAt(i + 1) == '-') {
        int end = script.indexOf('\n', i);
        i = end < 0 ? script.length() : end - 1;
      } else if (c == ';') {
        add(statements, current);
      } else {
        current.append(c);
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("a quoted string or identifier is not closed");
    }
    add(statements, current);
    return List.copyOf(statements);
  }

  private static void add(List<String> statements, StringBuilder current) {
    String statement = current.toString().strip();
    if (!statement.isEmpty()) {
      statements.add(statement);
    }
    current.setLength(0);
  }
}

package chat.sotto.bench.stackfloor;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The stack floor's one entity. */
@Entity
@Table(name = "stack_floor_notes")
public class Note {
  @Id private long id;
  private String text;

  protected Note() {}

  Note(long id, String text) {
    this.id = id;
    this.text = text;
  }

  String text() {
    return text;
  }
}

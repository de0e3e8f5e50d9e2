package chat.sotto.limits;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/** One rate-limit bucket: its key, the room it belongs to (if any) and its theoretical arrival time. */
@Entity
@Table(name = "rate_buckets", indexes = @Index(name = "rate_buckets_room", columnList = "room_id"))
public class RateBucket {
  @Id
  @Column(name = "bucket_key", length = 80)
  private String key;

  @Column(name = "room_id", length = 43)
  private String roomId;

  @Column(name = "tat", nullable = false)
  private long tat;

  protected RateBucket() {}

  RateBucket(String key, String roomId, long tat) {
    this.key = key;
    this.roomId = roomId;
    this.tat = tat;
  }

  long tat() {
    return tat;
  }
}

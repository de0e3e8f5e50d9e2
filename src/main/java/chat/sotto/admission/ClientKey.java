package chat.sotto.admission;

/**
 * Who a client is for fair admission: 128 bits of a keyed hash of its address, and nothing else. The address cannot
 * be recovered from it, and without the per-boot key (which never leaves {@link ClientKeys}) no one can even test a
 * guessed address against it. {@link #toString()} shows only the hash.
 */
public final class ClientKey {
  private final long high;
  private final long low;

  ClientKey(long high, long low) {
    this.high = high;
    this.low = low;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientKey k && k.high == high && k.low == low;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(high) * 31 + Long.hashCode(low);
  }

  @Override
  public String toString() {
    return String.format("ClientKey[%016x%016x]", high, low);
  }
}

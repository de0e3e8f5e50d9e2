package chat.sotto.admission;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reverse proxies whose {@code X-Forwarded-For} is believed: addresses or CIDR blocks, e.g. {@code 127.0.0.1,
 * ::1, 10.0.0.0/8}. Empty means none: every client is keyed by the address it connects from.
 */
public final class TrustedProxies {
  private final List<Block> blocks;

  private TrustedProxies(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  public static TrustedProxies none() {
    return new TrustedProxies(List.of());
  }

  /** Parses a comma-separated list; a malformed entry stops the server from starting rather than trusting too much. */
  public static TrustedProxies parse(String list) {
    List<Block> blocks = new ArrayList<>();
    for (String entry : list.split(",")) {
      String e = entry.trim();
      if (!e.isEmpty()) {
        blocks.add(Block.parse(e));
      }
    }
    return new TrustedProxies(blocks);
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  public boolean contains(InetAddress address) {
    byte[] raw = address.getAddress();
    return blocks.stream().anyMatch(b -> b.contains(raw));
  }

  private record Block(byte[] network, int prefix) {
    static Block parse(String entry) {
      int slash = entry.indexOf('/');
      String host = slash < 0 ? entry : entry.substring(0, slash);
      InetAddress address =
          ClientAddress.parseLiteral(host)
              .orElseThrow(() -> new IllegalArgumentException("sotto.trusted-proxies: not an IP address or CIDR block"));
      byte[] network = address.getAddress();
      int prefix = network.length * 8;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > network.length * 8) {
          throw new IllegalArgumentException("sotto.trusted-proxies: bad prefix length");
        }
      }
      return new Block(network, prefix);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      if (!Arrays.equals(address, 0, full, network, 0, full)) {
        return false;
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }
}

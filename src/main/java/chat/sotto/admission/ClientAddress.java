package chat.sotto.admission;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which address a request comes from, for fair admission only (the address is hashed at once and never kept).
 *
 * <p>The direct peer, unless it is a trusted proxy: then {@code X-Forwarded-For} is read from the right (each proxy
 * appends the address it saw), skipping trusted proxies, and the first hop that is not one is the client. Hops left
 * of it were written by the client itself and prove nothing. A peer that is not trusted cannot move itself to another
 * budget by sending the header: it is ignored. Only IP literals are parsed; no name is ever looked up.
 */
public final class ClientAddress {
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final Pattern IPV4_WITH_PORT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):\\d{1,5}");
  private static final Pattern BRACKETED_IPV6 = Pattern.compile("\\[([0-9A-Fa-f:.]{2,45})\\](?::\\d{1,5})?");

  /** Stands for a peer whose address the container did not give as a literal (never seen): one shared budget. */
  static final InetAddress UNKNOWN = InetAddress.getLoopbackAddress();

  private ClientAddress() {}

  /**
   * @param peer the direct peer's address as the container reports it
   * @param forwardedFor the values of every {@code X-Forwarded-For} header, in order
   */
  public static InetAddress resolve(String peer, List<String> forwardedFor, TrustedProxies trusted) {
    InetAddress client = parseLiteral(peer).orElse(UNKNOWN);
    if (trusted.isEmpty() || forwardedFor.isEmpty()) {
      return client;
    }
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",")) {
        hops.add(hop.trim());
      }
    }
    for (int i = hops.size() - 1; i >= 0 && trusted.contains(client); i--) {
      Optional<InetAddress> hop = parseLiteral(hops.get(i));
      if (hop.isEmpty()) {
        break;
      }
      client = hop.get();
    }
    return client;
  }

  /** An IP literal (optionally {@code a.b.c.d:port} or {@code [v6]:port}), without any DNS lookup; else empty. */
  public static Optional<InetAddress> parseLiteral(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String s = text.trim();
    var withPort = IPV4_WITH_PORT.matcher(s);
    if (withPort.matches()) {
      s = withPort.group(1);
    }
    var bracketed = BRACKETED_IPV6.matcher(s);
    if (bracketed.matches()) {
      s = bracketed.group(1);
    }
    var v4 = IPV4.matcher(s);
    if (v4.matches()) {
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        int octet = Integer.parseInt(v4.group(i + 1));
        if (octet > 255) {
          return Optional.empty();
        }
        b[i] = (byte) octet;
      }
      return byAddress(b);
    }
    // Only hex digits, colons and dots, with at least one colon: InetAddress parses it as an IPv6 literal and never
    // turns to DNS; a zone (%eth0) is refused by the pattern.
    if (IPV6.matcher(s).matches() && s.indexOf(':') >= 0) {
      try {
        return Optional.of(InetAddress.getByName(s));
      } catch (UnknownHostException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static Optional<InetAddress> byAddress(byte[] b) {
    try {
      return Optional.of(InetAddress.getByAddress(b));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}

package chat.sotto.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The load generator's flags ({@code --name value} or {@code --name=value}). Every run is bounded in time and in
 * connections, and the target must resolve to loopback addresses only.
 */
final class BenchOptions {
  static final String USAGE =
      """
      usage: LoadGenerator --mode throughput|bigroom|idle|joinstorm [flags]
        --target URL          server base URL, loopback only (default http://127.0.0.1:9481/)
        --rooms R             rooms (throughput; default 20)
        --members M           members per room (throughput 10, bigroom 200, idle 10, joinstorm 200)
        --rate r              messages per second per member (throughput; default 2)
        --room-rate r         messages per second per room, all members together (bigroom; default 50)
        --warmup s            seconds of load before measuring (default 5)
        --duration s          seconds measured (default 20)
        --drain s             seconds to wait for deliveries in flight after the load stops (default 10)
        --ct-bytes n          ciphertext bytes per envelope before base64url (default 300: ~400 chars, a
                              200-character message after encryption)
        --jitter f            send interval jitter, uniform +/- f of the mean interval (default 0.5)
        --connections N       connections held open (idle; default 2000), in rooms of --members
        --hold s              seconds the idle connections are held (idle; default 20)
        --ping s              seconds between keep-alive pings per connection (default 20)
        --timeout s           join storm: give up after s seconds (default 30)
        --parallelism n       REST calls and handshakes in flight during setup (default 32)
        --http-clients n      java.net.http clients (selector threads) the sockets are spread over (default 2)
        --server-pid P        Liberty JVM pid to measure, 'auto' (by --server-name) or 'none' (default auto)
        --server-name S       Liberty server name for --server-pid auto (default sotto-bench)
        --cleanup true|false  close the rooms afterwards (default true)
        --json-out FILE       also append the JSON result line to FILE
      """;

  private static final Set<String> FLAGS =
      Set.of(
          "mode", "target", "rooms", "members", "rate", "room-rate", "warmup", "duration", "drain", "ct-bytes",
          "jitter", "connections", "hold", "ping", "timeout", "parallelism", "http-clients", "server-pid",
          "server-name", "cleanup", "json-out");

  /** Upper bounds that keep every run finite. */
  static final int MAX_CONNECTIONS = 60_000;
  static final double MAX_SECONDS = 600;

  enum Mode {
    THROUGHPUT,
    BIGROOM,
    IDLE,
    JOINSTORM
  }

  final Mode mode;
  final URI target;
  final int rooms;
  final int members;
  final double ratePerMember;
  final double warmupSeconds;
  final double durationSeconds;
  final double drainSeconds;
  final int ctBytes;
  final double jitter;
  final int connections;
  final double holdSeconds;
  final double pingSeconds;
  final double timeoutSeconds;
  final int parallelism;
  final int httpClients;
  final String serverPid;
  final String serverName;
  final boolean cleanup;
  final String jsonOut;

  private BenchOptions(Map<String, String> f) {
    mode = Mode.valueOf(f.getOrDefault("mode", "throughput").toUpperCase(Locale.ROOT));
    target = loopback(f.getOrDefault("target", "http://127.0.0.1:9481/"));
    int defaultMembers =
        switch (mode) {
          case THROUGHPUT, IDLE -> 10;
          case BIGROOM, JOINSTORM -> 200;
        };
    members = integer(f, "members", defaultMembers, 2, MAX_CONNECTIONS);
    rooms = mode == Mode.THROUGHPUT ? integer(f, "rooms", 20, 1, MAX_CONNECTIONS) : 1;
    if (mode == Mode.BIGROOM) {
      ratePerMember = number(f, "room-rate", 50, 0.01, 100_000) / members;
    } else {
      ratePerMember = number(f, "rate", 2, 0.01, 1_000);
    }
    warmupSeconds = number(f, "warmup", 5, 0, MAX_SECONDS);
    durationSeconds = number(f, "duration", 20, 0.5, MAX_SECONDS);
    drainSeconds = number(f, "drain", 10, 0, MAX_SECONDS);
    ctBytes = integer(f, "ct-bytes", 300, 16, 16_384);
    jitter = number(f, "jitter", 0.5, 0, 0.95);
    connections = integer(f, "connections", 2_000, 1, MAX_CONNECTIONS);
    holdSeconds = number(f, "hold", 20, 0, MAX_SECONDS);
    pingSeconds = number(f, "ping", 20, 0.1, MAX_SECONDS);
    timeoutSeconds = number(f, "timeout", 30, 1, MAX_SECONDS);
    parallelism = integer(f, "parallelism", 32, 1, 1_024);
    httpClients = integer(f, "http-clients", 2, 1, 64);
    serverPid = f.getOrDefault("server-pid", "auto");
    if (!serverPid.equals("auto") && !serverPid.equals("none") && !serverPid.matches("[0-9]{1,9}")) {
      throw new IllegalArgumentException("--server-pid must be a number, auto or none");
    }
    serverName = f.getOrDefault("server-name", "sotto-bench");
    cleanup = Boolean.parseBoolean(f.getOrDefault("cleanup", "true"));
    jsonOut = f.get("json-out");
    if ((long) rooms * members > MAX_CONNECTIONS) {
      throw new IllegalArgumentException("rooms x members above " + MAX_CONNECTIONS);
    }
  }

  static BenchOptions parse(String... args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.isBlank()) {
        continue;
      }
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + a);
      }
      String name;
      String value;
      int eq = a.indexOf('=');
      if (eq > 0) {
        name = a.substring(2, eq);
        value = a.substring(eq + 1);
      } else {
        name = a.substring(2);
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      if (!FLAGS.contains(name)) {
        throw new IllegalArgumentException("unknown flag --" + name);
      }
      flags.put(name, value);
    }
    return new BenchOptions(flags);
  }

  /** The WebSocket endpoint of the target. */
  URI webSocket() {
    return URI.create("ws://" + target.getHost() + ":" + target.getPort() + "/ws");
  }

  /** Total sockets the run opens. */
  int totalConnections() {
    return switch (mode) {
      case THROUGHPUT, BIGROOM -> rooms * members;
      case IDLE -> connections;
      case JOINSTORM -> members;
    };
  }

  /** Refuses any target that is not plain http on an address of this machine's loopback. */
  static URI loopback(String url) {
    URI uri = URI.create(url.endsWith("/") ? url : url + "/");
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
      throw new IllegalArgumentException("--target must be http://host:port/ (got " + url + ")");
    }
    try {
      InetAddress[] addresses = InetAddress.getAllByName(uri.getHost());
      for (InetAddress a : addresses) {
        if (!a.isLoopbackAddress()) {
          throw new IllegalArgumentException("refusing non-loopback target " + uri.getHost() + " (" + a + ")");
        }
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host " + uri.getHost());
    }
    return uri;
  }

  private static int integer(Map<String, String> f, String name, int dflt, int min, int max) {
    return (int) number(f, name, dflt, min, max);
  }

  private static double number(Map<String, String> f, String name, double dflt, double min, double max) {
    String v = f.get(name);
    if (v == null) {
      return dflt;
    }
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number");
    }
    if (!(d >= min && d <= max)) {
      throw new IllegalArgumentException("--" + name + " must be within " + min + " .. " + max);
    }
    return d;
  }
}

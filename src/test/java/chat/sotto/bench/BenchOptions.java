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
      usage: LoadGenerator --mode throughput|bigroom|idle|joinstorm|flood|soak [flags]
        --target URL          server base URL, loopback only (default http://127.0.0.1:9481/)
        --rooms R             rooms (throughput 20, soak 10)
        --members M           members per room (throughput 10, bigroom 200, idle 10, joinstorm 200, soak 5)
        --rate r              messages per second per member (throughput 2, soak 0.5)
        --room-rate r         messages per second per room, all members together (bigroom; default 50)
        --warmup s            seconds of load before measuring (default 5; soak 30; flood: the probe room
                              alone, its baseline)
        --duration s          seconds measured (default 20; soak 1800, at most 14400)
        --drain s             seconds to wait for deliveries in flight after the load stops (default 10;
                              flood 30)
        --ct-bytes n          ciphertext bytes per envelope before base64url (default 300: ~400 chars, a
                              200-character message after encryption)
        --jitter f            send interval jitter, uniform +/- f of the mean interval (default 0.5)
        --connections N       connections held open (idle; default 2000), in rooms of --members
        --hold s              seconds the idle connections are held (idle; default 20)
        --ping s              seconds between keep-alive pings per connection (default 20)
        --timeout s           join storm: give up after s seconds (default 30)
        --flooders N          flood: sessions that flood (default 50)
        --flood-rooms K       flood: rooms the flooders are spread over (default N: each its own room)
        --flood-total n       flood: most frames all flooders send together (default 500000)
        --flood-ct-bytes n    flood: ciphertext bytes per flood envelope (default 16384, the protocol's maximum)
        --probe-members m     flood: members of the probe room (default 5)
        --probe-rate r        flood: messages per second in the probe room, all members together (default 20)
        --churn s             soak: mean seconds between membership events per room (default 5)
        --room-close p        soak: share of membership events that close the room (default 0.1)
        --slow-clients n      soak: clients that stop reading for --slow-pause s, over and over (default 2)
        --slow-pause s        soak: how long a slow client stops reading (default 40)
        --parallelism n       REST calls and handshakes in flight during setup (default 32)
        --selectors n         selector threads the WebSockets are shared out over (default 1)
        --server-pid P        Liberty JVM pid to measure, 'auto' (by --server-name) or 'none' (default auto)
        --server-name S       Liberty server name for --server-pid auto (default sotto-bench)
        --cleanup true|false  close the rooms afterwards (default true)
        --json-out FILE       also append the JSON result line to FILE
        --floor true|async|future|false
                              throughput/bigroom/idle against Liberty's bare broadcast endpoint (floor.war, bench
                              profile) instead of Sotto: no REST, no storage, no acks; true: synchronous sends,
                              async: one asynchronous send in flight per socket and a queue; future: the same
                              without a completion handler (default false)
      """;

  private static final Set<String> FLAGS =
      Set.of(
          "mode", "target", "rooms", "members", "rate", "room-rate", "warmup", "duration", "drain", "ct-bytes",
          "jitter", "connections", "hold", "ping", "timeout", "parallelism", "selectors", "server-pid",
          "server-name", "cleanup", "json-out", "flooders", "flood-rooms", "flood-total", "flood-ct-bytes",
          "probe-members", "probe-rate", "churn", "room-close", "slow-clients", "slow-pause", "floor");

  /** Upper bounds that keep every run finite. */
  static final int MAX_CONNECTIONS = 60_000;
  static final double MAX_SECONDS = 600;
  /** A soak may run for hours (and is still bounded). */
  static final double MAX_SOAK_SECONDS = 14_400;

  enum Mode {
    THROUGHPUT,
    BIGROOM,
    IDLE,
    JOINSTORM,
    FLOOD,
    SOAK
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
  /** Selector threads of the generator's WebSocket client. */
  final int selectors;
  final String serverPid;
  final String serverName;
  final boolean cleanup;
  /** Load Liberty's bare broadcast endpoint (the floor) instead of the product. */
  final boolean floor;
  /** The floor's endpoint: synchronous sends ({@code ws}) or Sotto's asynchronous pattern ({@code ws-async}). */
  final String floorPath;
  final String jsonOut;
  final int flooders;
  final int floodRooms;
  final long floodTotal;
  final int floodCtBytes;
  final int probeMembers;
  final double probeRate;
  final double churnSeconds;
  final double roomClose;
  final int slowClients;
  final double slowPauseSeconds;

  private BenchOptions(Map<String, String> f) {
    mode = Mode.valueOf(f.getOrDefault("mode", "throughput").toUpperCase(Locale.ROOT));
    target = loopback(f.getOrDefault("target", "http://127.0.0.1:9481/"));
    int defaultMembers =
        switch (mode) {
          case THROUGHPUT, IDLE -> 10;
          case BIGROOM, JOINSTORM -> 200;
          case FLOOD, SOAK -> 5;
        };
    members = integer(f, "members", defaultMembers, 2, MAX_CONNECTIONS);
    boolean soak = mode == Mode.SOAK;
    rooms =
        mode == Mode.THROUGHPUT || soak ? integer(f, "rooms", soak ? 10 : 20, 1, MAX_CONNECTIONS) : 1;
    if (mode == Mode.BIGROOM) {
      ratePerMember = number(f, "room-rate", 50, 0.01, 100_000) / members;
    } else {
      ratePerMember = number(f, "rate", soak ? 0.5 : 2, 0.01, 1_000);
    }
    warmupSeconds = number(f, "warmup", soak ? 30 : 5, 0, MAX_SECONDS);
    durationSeconds = number(f, "duration", soak ? 1800 : 20, 0.5, soak ? MAX_SOAK_SECONDS : MAX_SECONDS);
    drainSeconds = number(f, "drain", mode == Mode.FLOOD ? 30 : 10, 0, MAX_SECONDS);
    ctBytes = integer(f, "ct-bytes", 300, 16, 16_384);
    jitter = number(f, "jitter", 0.5, 0, 0.95);
    connections = integer(f, "connections", 2_000, 1, MAX_CONNECTIONS);
    holdSeconds = number(f, "hold", 20, 0, MAX_SECONDS);
    pingSeconds = number(f, "ping", 20, 0.1, MAX_SECONDS);
    timeoutSeconds = number(f, "timeout", 30, 1, MAX_SECONDS);
    parallelism = integer(f, "parallelism", 32, 1, 1_024);
    selectors = integer(f, "selectors", 1, 1, 64);
    serverPid = f.getOrDefault("server-pid", "auto");
    if (!serverPid.equals("auto") && !serverPid.equals("none") && !serverPid.matches("[0-9]{1,9}")) {
      throw new IllegalArgumentException("--server-pid must be a number, auto or none");
    }
    serverName = f.getOrDefault("server-name", "sotto-bench");
    String floorFlag = f.getOrDefault("floor", "false");
    floor = !floorFlag.equals("false");
    floorPath = floorFlag.equals("async") ? "ws-async" : floorFlag.equals("future") ? "ws-future" : "ws";
    cleanup = !floor && Boolean.parseBoolean(f.getOrDefault("cleanup", "true"));
    jsonOut = f.get("json-out");
    flooders = integer(f, "flooders", 50, 1, 10_000);
    floodRooms = integer(f, "flood-rooms", flooders, 1, flooders);
    floodTotal = (long) number(f, "flood-total", 500_000, 1, 10_000_000);
    floodCtBytes = integer(f, "flood-ct-bytes", 16_384, 16, 16_384);
    probeMembers = integer(f, "probe-members", 5, 2, 1_000);
    probeRate = number(f, "probe-rate", 20, 0.1, 1_000);
    churnSeconds = number(f, "churn", 5, 0.1, MAX_SECONDS);
    roomClose = number(f, "room-close", 0.1, 0, 1);
    slowClients = integer(f, "slow-clients", 2, 0, 100);
    slowPauseSeconds = number(f, "slow-pause", 40, 0.1, MAX_SECONDS);
    if (mode == Mode.FLOOD && flooders % floodRooms != 0) {
      throw new IllegalArgumentException("--flooders must be a multiple of --flood-rooms");
    }
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
    return URI.create("ws://" + target.getHost() + ":" + target.getPort() + (floor ? "/floor/" + floorPath : "/ws"));
  }

  /** Total sockets the run opens. */
  int totalConnections() {
    return switch (mode) {
      case THROUGHPUT, BIGROOM -> rooms * members;
      case IDLE -> connections;
      case JOINSTORM -> members;
      case FLOOD -> flooders + probeMembers;
      case SOAK -> rooms * members + SoakRun.SLOW_ROOM_SENDERS + slowClients;
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

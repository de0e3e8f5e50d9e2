package chat.sotto.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the server process costs, read from outside: CPU time and RSS from /proc/&lt;pid&gt;/stat and status, peak RSS
 * sampled during a window, and (for the idle mode) the live heap and class histogram through {@code jcmd}. Also the
 * machine's total CPU time (/proc/stat), since generator and server share the cores with anything else running.
 */
final class ServerProbe {
  private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ; `getconf CLK_TCK` on Linux x86-64
  /**
   * A heap space of GC.heap_info: G1 prints one line for the whole heap ("garbage-first heap total ..K, used ..K"),
   * the serial and parallel collectors (what a JVM pinned to one core chooses) one per generation.
   */
  private static final Pattern HEAP_USED =
      Pattern.compile("(?m)^\\s*(?:\\S.*heap|def new generation|tenured generation|PSYoungGen|ParOldGen)\\s+total (\\d+)K, used (\\d+)K");
  private static final Pattern HISTO_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

  final long pid;
  private final ScheduledExecutorService sampler = Threads.daemonScheduler("bench-probe");
  private final AtomicLong peakRssKb = new AtomicLong();

  private ServerProbe(long pid) {
    this.pid = pid;
  }

  /** The probe of {@code --server-pid}, or null for 'none' or when 'auto' finds no such Liberty server. */
  static ServerProbe of(String pidFlag, String serverName) {
    return of(pidFlag, serverName, -1);
  }

  /**
   * The probe of {@code --server-pid}; 'auto' takes the process listening on {@code port} if there is one (several
   * servers of the same name may run on this machine, e.g. integration tests of other checkouts), else the Liberty
   * server named {@code serverName}; null for 'none' or when nothing is found.
   */
  static ServerProbe of(String pidFlag, String serverName, int port) {
    if (pidFlag.equals("none")) {
      return null;
    }
    if (!pidFlag.equals("auto")) {
      return new ServerProbe(Long.parseLong(pidFlag));
    }
    long listener = port > 0 ? listeningPid(port) : -1;
    if (listener > 0) {
      return new ServerProbe(listener);
    }
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().matches("[0-9]+"))
          .filter(p -> isLibertyServer(p, serverName))
          .map(p -> new ServerProbe(Long.parseLong(p.getFileName().toString())))
          .findFirst()
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  /** The pid of the process (of this user) holding the listening TCP socket on {@code port}, or -1. */
  static long listeningPid(int port) {
    String local = String.format(":%04X", port);
    List<String> inodes = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 9 && f[1].endsWith(local) && f[3].equals("0A")) {
            inodes.add("socket:[" + f[9] + "]");
          }
        }
      } catch (IOException e) {
        // no such table
      }
    }
    if (inodes.isEmpty()) {
      return -1;
    }
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
          for (Path fd : fds.toList()) {
            try {
              if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
                return Long.parseLong(proc.getFileName().toString());
              }
            } catch (IOException e) {
              // closed meanwhile
            }
          }
        } catch (IOException | SecurityException e) {
          // another user's process, or gone
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  /** The server's live heap (after a full collection), RSS and threads now. */
  record Snapshot(double liveHeapMiB, double rssMiB, int threads, Heap heap) {}

  Snapshot snapshot() {
    Heap h = liveHeap();
    return new Snapshot(h.usedKb() / 1024.0, rssKb() / 1024.0, threads(), h);
  }

  private static boolean isLibertyServer(Path proc, String serverName) {
    try {
      String[] args = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).split("\0");
      boolean liberty = false;
      for (String a : args) {
        liberty |= a.endsWith("ws-server.jar");
        if (liberty && a.equals(serverName)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /** User + system CPU seconds the server has used so far. */
  double cpuSeconds() {
    String stat = read("stat");
    // fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS_PER_SECOND;
  }

  long rssKb() {
    return statusKb("VmRSS");
  }

  /** The kernel's high-water mark of RSS over the process's whole life. */
  long hwmKb() {
    return statusKb("VmHWM");
  }

  int threads() {
    return (int) statusKb("Threads");
  }

  /** Starts sampling RSS every 100 ms; {@link #peakRssKb()} is the highest since. */
  void startSampling() {
    peakRssKb.set(rssKb());
    sampler.scheduleAtFixedRate(() -> peakRssKb.accumulateAndGet(rssKb(), Math::max), 100, 100, TimeUnit.MILLISECONDS);
  }

  long peakRssKb() {
    return Math.max(peakRssKb.get(), rssKb());
  }

  void stopSampling() {
    sampler.shutdownNow();
  }

  /** Live heap in KiB after a full collection (GC.class_histogram collects first), with the histogram itself. */
  Heap liveHeap() {
    String histogram = jcmd("GC.class_histogram");
    String info = jcmd("GC.heap_info");
    Matcher m = HEAP_USED.matcher(info);
    long total = 0;
    long used = 0;
    int spaces = 0;
    while (m.find()) {
      total += Long.parseLong(m.group(1));
      used += Long.parseLong(m.group(2));
      spaces++;
    }
    if (spaces == 0) {
      throw new IllegalStateException("unexpected GC.heap_info output: " + info);
    }
    Map<String, long[]> classes = new HashMap<>();
    for (String line : histogram.split("\n")) {
      Matcher h = HISTO_LINE.matcher(line);
      if (h.find()) {
        classes.put(h.group(3), new long[] {Long.parseLong(h.group(1)), Long.parseLong(h.group(2))});
      }
    }
    return new Heap(total, used, classes);
  }

  /** The heap (committed and used KiB) and its class histogram: class name to {instances, bytes}. */
  record Heap(long committedKb, long usedKb, Map<String, long[]> classes) {
    /** Classes whose retained bytes grew most from {@code before} to this, with instances and bytes per unit. */
    List<String> growth(Heap before, int units, int top) {
      List<Map.Entry<String, long[]>> grown = new ArrayList<>();
      for (Map.Entry<String, long[]> e : classes.entrySet()) {
        long[] was = before.classes.getOrDefault(e.getKey(), new long[2]);
        grown.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - was[0], e.getValue()[1] - was[1]}));
      }
      grown.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1]).reversed());
      List<String> out = new ArrayList<>();
      for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(top, grown.size()))) {
        out.add(
            String.format(
                "%s %.2f objects, %.0f B per connection",
                e.getKey(), e.getValue()[0] / (double) units, e.getValue()[1] / (double) units));
      }
      return out;
    }
  }

  /**
   * Server threads parked in Liberty's {@code WsocConnLink.waitToClose} (an incoming close frame waiting for a write
   * that is still in progress on the same connection): seen to pile up after clients close, see docs/BENCHMARKS.md.
   */
  int threadsWaitingToClose() {
    String dump = jcmd("Thread.print");
    int n = 0;
    for (int at = dump.indexOf("WsocConnLink.waitToClose"); at >= 0; at = dump.indexOf("WsocConnLink.waitToClose", at + 1)) {
      n++;
    }
    return n;
  }

  private String jcmd(String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("jcmd " + command + " failed: " + new String(out, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run jcmd", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private long statusKb(String field) {
    for (String line : read("status").split("\n")) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
  }

  private String read(String file) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), file));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/" + file + " (has the server stopped?)", e);
    }
  }

  /** CPU seconds this generator JVM has used. */
  static double generatorCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  /** Busy CPU seconds of the whole machine (all cores, every process). */
  static double machineBusySeconds() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        if (i != 4 && i != 5) { // idle, iowait
          busy += Long.parseLong(f[i]);
        }
      }
      return busy / (double) CLOCK_TICKS_PER_SECOND;
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "";
    }
  }
}

package chat.sotto.it;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The integration-test server's JVM seen through Liberty's local JMX connector (the test servers have
 * {@code localConnector-1.0}): its heap, its threads and its resident memory.
 */
public final class ServerJvm implements AutoCloseable {
  private final JMXConnector connector;
  private final MemoryMXBean memory;
  private final ThreadMXBean threads;
  private final long pid;

  private ServerJvm(JMXConnector connector) throws IOException {
    this.connector = connector;
    MBeanServerConnection c = connector.getMBeanServerConnection();
    memory = ManagementFactory.newPlatformMXBeanProxy(c, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
    threads = ManagementFactory.newPlatformMXBeanProxy(c, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
    pid =
        ManagementFactory.newPlatformMXBeanProxy(c, ManagementFactory.RUNTIME_MXBEAN_NAME, RuntimeMXBean.class)
            .getPid();
  }

  public static ServerJvm attach() throws IOException {
    Path wlp = Path.of(System.getProperty("sotto.wlp", "target/liberty/wlp"));
    Path address =
        wlp.resolve("usr/servers")
            .resolve(System.getProperty("sotto.it.server", "sotto-it"))
            .resolve("logs/state/com.ibm.ws.jmx.local.address");
    return new ServerJvm(JMXConnectorFactory.connect(new JMXServiceURL(Files.readString(address).trim())));
  }

  /** Heap in use right after a full collection: what the server keeps alive. */
  long liveHeapBytes() {
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** Resident memory of the server process, in KiB. */
  long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException("no VmRSS");
  }

  /** Every server thread with its stack and the locks it holds or waits for: for the report of a test that hung. */
  String threadDump() {
    StringBuilder dump = new StringBuilder();
    for (ThreadInfo t : threads.dumpAllThreads(true, true)) {
      if (t == null) {
        continue;
      }
      dump.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
      if (t.getLockName() != null) {
        dump.append(" on ").append(t.getLockName()).append(" owned by ").append(t.getLockOwnerName());
      }
      dump.append('\n');
      for (StackTraceElement e : t.getStackTrace()) {
        dump.append("    at ").append(e).append('\n');
      }
    }
    return dump.toString();
  }

  /** CPU time the server process has used so far (user and system), from /proc, in milliseconds. */
  public long cpuMillis() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime: fields 14 and 15
    return ticks * 10; // USER_HZ is 100 on Linux
  }

  /** Server threads whose stack is in {@code className.method} right now. */
  int threadsIn(String className, String method) {
    int n = 0;
    for (ThreadInfo t : threads.dumpAllThreads(false, false)) {
      if (t == null) {
        continue;
      }
      for (StackTraceElement e : t.getStackTrace()) {
        if (e.getClassName().endsWith(className) && e.getMethodName().equals(method)) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    connector.close();
  }
}

package chat.sotto.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the command-line tools the test services need, with bounded waits. */
final class ExternalProcess {
  private ExternalProcess() {}

  /** True when the tests run as root, where PostgreSQL must run as the postgres user. */
  static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Runs a command to completion (bounded), failing with its output if it exits non-zero. */
  static String run(List<String> command, Path log) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + command);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    String out = Files.readString(log);
    if (p.exitValue() != 0) {
      throw new IOException("failed (" + p.exitValue() + "): " + command + "\n" + out);
    }
    return out;
  }

  /** The command, run as {@code user} when the tests run as root. */
  static List<String> as(String user, List<String> command) {
    if (!root()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", user, "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  /** Waits until something accepts TCP connections on loopback {@code port}. */
  static void awaitPort(int port, long timeoutMillis, String what) throws IOException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
    }
    throw new IOException(what + " did not listen on port " + port + " within " + timeoutMillis + " ms");
  }

  /** Waits until nothing accepts connections on {@code port} any more. */
  static void awaitPortClosed(int port, long timeoutMillis) throws IOException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      } catch (IOException closed) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    throw new IOException("port " + port + " still open after " + timeoutMillis + " ms");
  }
}

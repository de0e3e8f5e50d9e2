package chat.sotto.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * The generator's REST client: HTTP/1.1 over plain keep-alive sockets, one per worker thread, requests written and
 * responses read by hand. With java.net.http's client the generator's core was full while the server's stayed at
 * 30-70 % during the REST phase of a join run: the rates measured were the generator's. Plain {@code http} to a
 * loopback target only, as {@link BenchOptions} allows.
 */
final class PlainHttp implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  private static final int READ_TIMEOUT_MILLIS = 30_000;
  private static final int MAX_HEADER_LINE = 8_192;

  /** What the server answered. Header names are lower case. */
  record Response(int status, Map<String, String> headers, String body) {
    long headerAsLong(String name, long fallback) {
      String v = headers.get(name);
      try {
        return v == null ? fallback : Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        return fallback;
      }
    }
  }

  private final String host;
  private final int port;
  private final ExecutorService workers;
  private final ThreadLocal<Link> links = new ThreadLocal<>();
  private final Set<Link> open = ConcurrentHashMap.newKeySet();

  PlainHttp(URI target, int threads) {
    if (!"http".equals(target.getScheme())) {
      throw new IllegalArgumentException("the generator speaks plain http only: " + target.getScheme());
    }
    this.host = target.getHost();
    this.port = target.getPort() < 0 ? 80 : target.getPort();
    this.workers = Threads.daemonPool("bench-rest", threads);
  }

  /** Sends a request on one of the worker threads; {@code json} and {@code token} may be null. */
  CompletableFuture<Response> send(String method, String path, String json, String token) {
    byte[] request = request(method, path, json, token);
    return CompletableFuture.supplyAsync(() -> exchange(request), workers);
  }

  private byte[] request(String method, String path, String json, String token) {
    byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder(256);
    head.append(method).append(' ').append(path.startsWith("/") ? path : "/" + path).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(host).append(':').append(port).append("\r\n");
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    if (json != null) {
      head.append("Content-Type: application/json\r\n");
    }
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  // A kept-alive connection the server closed in the meantime fails before any answer: that one is tried again once
  // on a new connection (the server never saw the request). Anything else fails the call.
  private Response exchange(byte[] request) {
    Link link = links.get();
    boolean reused = link != null;
    try {
      if (link == null) {
        link = connect();
      }
      try {
        return link.exchange(request);
      } catch (NoAnswer e) {
        drop(link);
        if (!reused) {
          throw e.getCause();
        }
        link = connect();
        return link.exchange(request);
      }
    } catch (NoAnswer e) {
      drop(link);
      throw new UncheckedIOException(e.getCause());
    } catch (IOException e) {
      drop(link);
      throw new UncheckedIOException(e);
    }
  }

  private Link connect() throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.setSoTimeout(READ_TIMEOUT_MILLIS);
    s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
    Link link = new Link(s);
    links.set(link);
    open.add(link);
    return link;
  }

  private void drop(Link link) {
    if (link == null) {
      return;
    }
    links.remove();
    open.remove(link);
    link.close();
  }

  @Override
  public void close() {
    workers.shutdownNow();
    open.forEach(Link::close);
    open.clear();
  }

  /** An I/O failure before the first byte of the answer. */
  private static final class NoAnswer extends Exception {
    private static final long serialVersionUID = 1L;

    NoAnswer(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }

  private final class Link {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Link(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream(), 8_192);
      this.out = socket.getOutputStream();
    }

    Response exchange(byte[] request) throws IOException, NoAnswer {
      String statusLine;
      try {
        out.write(request);
        out.flush();
        statusLine = line();
      } catch (IOException e) {
        throw new NoAnswer(e);
      }
      if (statusLine == null) {
        throw new NoAnswer(new IOException("connection closed before an answer"));
      }
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP/1.1 status line");
      }
      int status = Integer.parseInt(parts[1]);
      Map<String, String> headers = new HashMap<>();
      for (String h = line(); h != null && !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        if (colon > 0) {
          headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
      }
      String body = new String(body(headers), StandardCharsets.UTF_8);
      if ("close".equalsIgnoreCase(headers.get("connection"))) {
        drop(this);
      }
      return new Response(status, headers, body);
    }

    private byte[] body(Map<String, String> headers) throws IOException {
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (; ; ) {
          String size = line();
          if (size == null) {
            throw new IOException("connection closed inside a chunked body");
          }
          int semicolon = size.indexOf(';');
          int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
          if (n == 0) {
            for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
              // trailers are not used
            }
            return all.toByteArray();
          }
          all.write(in.readNBytes(n));
          line();
        }
      }
      String length = headers.get("content-length");
      if (length != null) {
        int n = Integer.parseInt(length.trim());
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
          throw new IOException("connection closed inside a body");
        }
        return b;
      }
      return new byte[0]; // every answer the generator reads carries a length or chunks (or has no body: 204)
    }

    private String line() throws IOException {
      StringBuilder b = new StringBuilder(64);
      for (int c = in.read(); c != -1; c = in.read()) {
        if (c == '\n') {
          int end = b.length();
          return b.substring(0, end > 0 && b.charAt(end - 1) == '\r' ? end - 1 : end);
        }
        if (b.length() >= MAX_HEADER_LINE) {
          throw new IOException("header line too long");
        }
        b.append((char) c);
      }
      return b.length() == 0 ? null : b.toString();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}

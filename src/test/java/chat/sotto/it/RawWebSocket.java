package chat.sotto.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket client on a plain TCP socket, for clients that misbehave below what a WebSocket library allows: one
 * that completes the handshake and then never reads (its small receive buffer fills and the server's writes stall),
 * or one that vanishes without a close frame and never pings.
 */
final class RawWebSocket implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Socket socket;
  private static final AtomicInteger CLIENTS = new AtomicInteger();
  private final OutputStream out;
  private final DataInputStream in;
  private String responseHead = "";

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(socket.getInputStream());
  }

  /** Connects with a receive buffer of {@code receiveBufferBytes} (small: the client reads little) and upgrades. */
  static RawWebSocket open(URI base, int receiveBufferBytes) throws IOException {
    return open(base, receiveBufferBytes, null);
  }

  /** As {@link #open(URI, int)}, from the local address {@code local} (a loopback address of the test's choice). */
  static RawWebSocket open(URI base, int receiveBufferBytes, java.net.InetAddress local) throws IOException {
    Socket s = new Socket();
    if (local != null) {
      s.bind(new InetSocketAddress(local, 0));
    }
    s.setReceiveBufferSize(receiveBufferBytes);
    s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
    s.setSoTimeout(15_000);
    RawWebSocket ws = new RawWebSocket(s);
    ws.handshake(base);
    return ws;
  }

  /** Opens a socket and sends an auth frame, without reading the answer. */
  static RawWebSocket authenticated(URI base, String token, long since, int receiveBufferBytes) throws IOException {
    RawWebSocket ws = open(base, receiveBufferBytes);
    ws.sendText("{\"t\":\"auth\",\"token\":\"" + token + "\",\"since\":" + since + "}");
    return ws;
  }

  /**
   * Each raw socket plays a client of its own: the test server trusts loopback as a proxy, so this header (never a
   * destination: nothing is sent to it) keys the per-client handshake budget, which is FairnessIT's subject, not the
   * subject of the tests that open many raw sockets.
   */
  private static String nextClientAddress() {
    int n = CLIENTS.incrementAndGet();
    return "198.18." + ((n >> 8) & 0xff) + "." + (n & 0xff);
  }

  private void handshake(URI base) throws IOException {
    byte[] key = new byte[16];
    RANDOM.nextBytes(key);
    String request =
        "GET /ws HTTP/1.1\r\n"
            + "Host: "
            + base.getHost()
            + ":"
            + base.getPort()
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
            + Base64.getEncoder().encodeToString(key)
            + "\r\nOrigin: http://"
            + base.getHost()
            + ":"
            + base.getPort()
            + "\r\nX-Forwarded-Proto: "
            + Api.PROXIED_PROTO
            + "\r\nX-Forwarded-For: "
            + nextClientAddress()
            + "\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the server closed during the handshake");
      }
      head.write(b);
    }
    responseHead = head.toString(StandardCharsets.US_ASCII);
    String status = responseHead.lines().findFirst().orElse("");
    if (!status.contains(" 101 ")) {
      throw new IOException("handshake refused: " + status);
    }
  }

  /** The server's answer to the upgrade: status line and headers. */
  String responseHead() {
    return responseHead;
  }

  /** The next text frame from the server within {@code timeout}, skipping any other frame. */
  String readText(Duration timeout) throws IOException {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    for (; ; ) {
      int b0 = in.readUnsignedByte();
      byte[] payload = readPayload();
      if ((b0 & 0x0f) == 0x1) {
        return new String(payload, StandardCharsets.UTF_8);
      }
    }
  }

  private byte[] readPayload() throws IOException {
    int b1 = in.readUnsignedByte();
    long length = b1 & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    return in.readNBytes((int) length);
  }

  void sendText(String text) throws IOException {
    sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes bytes as they are: a frame that breaks the protocol, or half of one. */
  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends a close frame (the server may be in the middle of a write to this client). */
  void sendClose(int code) throws IOException {
    sendFrame(0x8, new byte[] {(byte) (code >> 8), (byte) code});
  }

  private void sendFrame(int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write(0x80 | opcode);
    if (payload.length < 126) {
      f.write(0x80 | payload.length);
    } else if (payload.length < 65_536) {
      f.write(0x80 | 126);
      f.write(payload.length >> 8);
      f.write(payload.length);
    } else {
      f.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        f.write((int) ((long) payload.length >> shift));
      }
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    f.write(mask);
    for (int i = 0; i < payload.length; i++) {
      f.write(payload[i] ^ mask[i & 3]);
    }
    out.write(f.toByteArray());
    out.flush();
  }

  /**
   * Reads and skips frames until the server's close frame, within {@code timeout}: its code, or 1006 when the
   * connection ended without one.
   */
  int awaitClose(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (; ; ) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new AssertionError("no close frame within " + timeout);
      }
      socket.setSoTimeout((int) Math.max(1, left));
      int b0;
      try {
        b0 = in.read();
      } catch (SocketTimeoutException e) {
        continue;
      } catch (IOException reset) {
        return 1006;
      }
      if (b0 < 0) {
        return 1006;
      }
      byte[] payload = readPayload();
      if ((b0 & 0x0f) == 0x8) {
        return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
      }
    }
  }

  /** Resets the TCP connection (RST, not FIN): the server's next write to it fails. */
  void reset() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  /** Drops the TCP connection without a close frame. */
  @Override
  public void close() throws IOException {
    socket.close();
  }
}

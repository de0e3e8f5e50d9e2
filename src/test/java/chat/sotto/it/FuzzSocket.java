package chat.sotto.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client on a plain TCP socket that writes frames byte by byte, so a test can send what no well-behaved
 * client library would: invalid UTF-8, reserved bits, unknown opcodes, unmasked or stray continuation frames.
 */
final class FuzzSocket implements AutoCloseable {
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CONTINUATION = 0x0;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;

  /** What the server sent back: a frame, or (opcode -1) the end of the connection without a close frame. */
  record Frame(int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The close code of a close frame; 1005 when it carries none, 1006 when the connection just ended. */
    int closeCode() {
      if (opcode == -1) {
        return 1006;
      }
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  private FuzzSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(socket.getInputStream());
  }

  /** Opens the relay socket at {@code base} with the page's own Origin; fails unless the upgrade succeeds. */
  static FuzzSocket open(URI base) throws IOException {
    return open(base, null);
  }

  /** As {@link #open(URI)}, from the local address {@code local} (a loopback address of the test's choice). */
  static FuzzSocket open(URI base, java.net.InetAddress local) throws IOException {
    Socket s = new Socket();
    if (local != null) {
      s.bind(new java.net.InetSocketAddress(local, 0));
    }
    s.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()), 5_000);
    s.setSoTimeout(10_000);
    FuzzSocket ws = new FuzzSocket(s);
    byte[] key = new byte[16];
    RANDOM.nextBytes(key);
    String host = base.getHost() + ":" + base.getPort();
    String request =
        "GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n"
            + "Origin: http://" + host + "\r\nX-Forwarded-Proto: " + Api.PROXIED_PROTO + "\r\n\r\n";
    ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
    ws.out.flush();
    String head = ws.readHead();
    if (!head.startsWith("HTTP/1.1 101")) {
      s.close();
      throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(""));
    }
    return ws;
  }

  /** Sends one frame as a client must (masked), with the given FIN bit, RSV bits and opcode. */
  void send(boolean fin, int rsv, int opcode, byte[] payload) throws IOException {
    send(fin, rsv, opcode, payload, true);
  }

  void send(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 14);
    b.write((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0xf));
    int mask = masked ? 0x80 : 0;
    if (payload.length < 126) {
      b.write(mask | payload.length);
    } else if (payload.length < 65_536) {
      b.write(mask | 126);
      b.write(payload.length >>> 8);
      b.write(payload.length & 0xff);
    } else {
      b.write(mask | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        b.write((int) ((long) payload.length >>> shift) & 0xff);
      }
    }
    byte[] key = new byte[4];
    if (masked) {
      RANDOM.nextBytes(key);
      b.write(key, 0, 4);
    }
    for (int i = 0; i < payload.length; i++) {
      b.write(payload[i] ^ key[i & 3]);
    }
    out.write(b.toByteArray());
    out.flush();
  }

  void sendText(String text) throws IOException {
    send(true, 0, TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The next frame from the server; opcode -1 when the connection ended (or stayed silent for 10 s). */
  Frame read() throws IOException {
    try {
      int b0 = in.readUnsignedByte();
      int b1 = in.readUnsignedByte();
      long length = b1 & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      if (length > 1 << 20) {
        throw new IOException("server frame of " + length + " bytes");
      }
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      return new Frame(b0 & 0x0f, payload);
    } catch (EOFException | SocketTimeoutException e) {
      return new Frame(-1, new byte[0]);
    } catch (IOException e) {
      if ("Connection reset".equals(e.getMessage())) {
        return new Frame(-1, new byte[0]);
      }
      throw e;
    }
  }

  /** Reads until a text frame that contains {@code fragment}, or fails at a close. */
  String awaitText(String fragment) throws IOException {
    for (; ; ) {
      Frame f = read();
      if (f.opcode() == TEXT && f.text().contains(fragment)) {
        return f.text();
      }
      if (f.opcode() == CLOSE || f.opcode() == -1) {
        throw new AssertionError("closed with " + f.closeCode() + " while waiting for " + fragment);
      }
    }
  }

  /** Reads until the server closes; the close frame (or the end of the connection). */
  Frame awaitClose() throws IOException {
    for (int i = 0; i < 10_000; i++) {
      Frame f = read();
      if (f.opcode() == CLOSE || f.opcode() == -1) {
        return f;
      }
    }
    throw new AssertionError("the server kept sending and never closed");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (head.size() < 16_384) {
      head.write(in.readUnsignedByte());
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    throw new IOException("no end of the upgrade response");
  }
}

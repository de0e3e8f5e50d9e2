package chat.sotto.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * A WebSocket client that can stop reading, written on a plain socket: java.net.http's client buffers what it
 * receives, so only a socket with a small receive buffer that nobody reads makes the server's writes stall the way a
 * stalled browser tab or a slow attacker does. Speaks just enough of RFC 6455: the handshake, masked text frames out,
 * and frame headers in (payloads are skipped except to find the welcome and the close code).
 */
final class SlowClient implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_HEADER_BYTES = 8_192;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private SlowClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** How a slow client's connection ended up after its pause. */
  record Outcome(boolean closedByServer, String how) {}

  /**
   * Connects with a receive buffer of {@code receiveBufferBytes}, authenticates and reads until the welcome; any
   * failure is an IOException.
   */
  static SlowClient open(URI ws, String token, long since, int receiveBufferBytes, Duration timeout)
      throws IOException {
    Socket s = new Socket();
    try {
      s.setReceiveBufferSize(receiveBufferBytes); // before connect: it sets the window the server may fill
      s.connect(new InetSocketAddress(ws.getHost(), ws.getPort()), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      SlowClient c = new SlowClient(s);
      c.handshake(ws);
      c.writeText(Wire.auth(token, since));
      c.awaitWelcome(System.nanoTime() + timeout.toNanos());
      return c;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private void handshake(URI ws) throws IOException {
    byte[] key = new byte[16];
    RANDOM.nextBytes(key);
    String request =
        "GET " + ws.getPath() + " HTTP/1.1\r\n"
            + "Host: " + ws.getHost() + ":" + ws.getPort() + "\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0 || head.length() > MAX_HEADER_BYTES) {
        throw new IOException("handshake: no complete response");
      }
      head.append((char) b);
    }
    String status = head.substring(0, head.indexOf("\r\n"));
    if (!status.contains(" 101 ")) {
      throw new IOException("handshake refused: " + status);
    }
  }

  private void awaitWelcome(long deadline) throws IOException {
    while (System.nanoTime() < deadline) {
      Frame f = readFrame(64);
      if (f.opcode == 8) {
        throw new IOException("closed before welcome: " + f.closeCode);
      }
      if (f.opcode == 1 && f.start.startsWith("{\"t\":\"welcome\"")) {
        return;
      }
    }
    throw new IOException("no welcome in time");
  }

  /** One frame: its opcode, the first characters of its payload and, for a close frame, its code. */
  private record Frame(int opcode, String start, int closeCode) {}

  private Frame readFrame(int keepChars) throws IOException {
    int b0 = readByte();
    int b1 = readByte();
    int opcode = b0 & 0x0f;
    long length = b1 & 0x7f;
    if (length == 126) {
      length = ((long) readByte() << 8) | readByte();
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | readByte();
      }
    }
    if ((b1 & 0x80) != 0) {
      in.readNBytes(4); // servers do not mask, but skip a mask key if one came
    }
    byte[] head = in.readNBytes((int) Math.min(length, opcode == 8 ? 125 : keepChars));
    long rest = length - head.length;
    while (rest > 0) {
      long skipped = in.skip(rest);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException();
        }
        skipped = 1;
      }
      rest -= skipped;
    }
    int code = opcode == 8 && head.length >= 2 ? ((head[0] & 0xff) << 8) | (head[1] & 0xff) : -1;
    return new Frame(opcode, new String(head, StandardCharsets.UTF_8), code);
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException();
    }
    return b;
  }

  /**
   * Reads again after the pause: everything the server had sent, until its close frame, the end of the stream, or
   * {@code quiet} without data (the connection is still open), for at most {@code max}.
   */
  Outcome drain(Duration quiet, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    try {
      socket.setSoTimeout((int) quiet.toMillis());
      while (System.nanoTime() < deadline) {
        Frame f = readFrame(0);
        if (f.opcode == 8) {
          return new Outcome(true, "close " + f.closeCode);
        }
      }
      return new Outcome(false, "still sending after " + max.toSeconds() + " s");
    } catch (SocketTimeoutException e) {
      return new Outcome(false, "open");
    } catch (EOFException e) {
      return new Outcome(true, "eof");
    } catch (SocketException e) {
      return new Outcome(true, "reset");
    } catch (IOException e) {
      return new Outcome(true, e.getClass().getSimpleName());
    }
  }

  private void writeText(String text) throws IOException {
    writeFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
  }

  private void writeFrame(int opcode, byte[] payload) throws IOException {
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    int n = payload.length;
    byte[] frame = new byte[2 + (n < 126 ? 0 : n < 65_536 ? 2 : 8) + 4 + n];
    int i = 0;
    frame[i++] = (byte) (0x80 | opcode);
    if (n < 126) {
      frame[i++] = (byte) (0x80 | n);
    } else if (n < 65_536) {
      frame[i++] = (byte) (0x80 | 126);
      frame[i++] = (byte) (n >>> 8);
      frame[i++] = (byte) n;
    } else {
      frame[i++] = (byte) (0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame[i++] = (byte) ((long) n >>> shift);
      }
    }
    System.arraycopy(mask, 0, frame, i, 4);
    i += 4;
    for (int j = 0; j < n; j++) {
      frame[i + j] = (byte) (payload[j] ^ mask[j & 3]);
    }
    out.write(frame);
    out.flush();
  }

  /** Sends a close frame if the socket still takes one, then closes it. */
  @Override
  public void close() {
    try {
      socket.setSoTimeout(1_000);
      writeFrame(0x8, new byte[] {0x03, (byte) 0xe8}); // 1000
    } catch (IOException e) {
      // already closed by the server
    }
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }
}

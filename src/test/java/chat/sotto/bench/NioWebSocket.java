package chat.sotto.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of RFC 6455 on a non-blocking socket, just what the generator needs and no more: the HTTP/1.1
 * Upgrade handshake (its Sec-WebSocket-Accept checked), masked text frames out, text and continuation frames in
 * (also split across reads), pings answered, the close handshake. A java.net.http WebSocket spent ~18 µs of CPU per
 * received frame (decoders, futures, a String per message); here a frame is parsed in the loop's read buffer and
 * handed to the {@link Listener} as bytes.
 *
 * <p>Threads: everything on the read side runs on the socket's {@link Selectors.Loop}. A sender writes from its own
 * thread, straight into the socket while nothing is queued (one system call, no hand-off); what a full socket
 * buffer does not take is queued and written by the loop when the socket is writable again. Writes are ordered by
 * this object's lock.
 */
final class NioWebSocket {
  /** What the socket's owner hears; every method is called on the socket's loop thread. */
  interface Listener {
    /** The handshake is done: frames may be sent. */
    void onOpen(NioWebSocket ws);

    /** One complete text message, in {@code data[from, to)}, valid only during the call. */
    void onText(byte[] data, int from, int to, long nanos);

    /** The server's close frame arrived (1005 if it carried no code). */
    void onClose(int code, String reason);

    /** The connection failed or was aborted before a close frame came. */
    void onError(Throwable error);
  }

  private static final byte[] ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};
  private static final int MAX_HEAD_BYTES = 8_192;
  /** Bounds one frame and one message: the server's largest frames (a history batch) stay far below. */
  static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private static final int CONNECTING = 0;
  private static final int HANDSHAKE = 1;
  private static final int OPEN = 2;
  private static final int CLOSED = 3;

  private final Selectors.Loop loop;
  private final Listener listener;
  private final SocketChannel channel;
  private final String expectedAccept;
  private final byte[] request;
  private volatile int state = CONNECTING;
  private SelectionKey key;

  // Read side, loop thread only.
  /** Bytes of an incomplete frame (or handshake response) left at the end of the last read. */
  private byte[] carry;

  private int carryLength;
  /** A fragmented message being put together (text frame without FIN, then continuations). */
  private byte[] message;

  private int messageLength;
  private int messageOpcode = -1;
  /** Length of the incomplete frame the last {@link #frames} call stopped at (0 if its header was incomplete). */
  private int pendingFrameBytes;

  // Write side, guarded by this.
  private ArrayDeque<ByteBuffer> queued;
  private boolean closeSent;

  private NioWebSocket(Selectors.Loop loop, Listener listener, SocketChannel channel, URI uri) {
    this.loop = loop;
    this.listener = listener;
    this.channel = channel;
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String key64 = Base64.getEncoder().encodeToString(nonce);
    this.expectedAccept = accept(key64);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    this.request =
        ("GET " + path + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key64 + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
  }

  /** Connects to {@code uri} (ws://, loopback) on {@code loop}; the listener hears onOpen or onError. */
  static NioWebSocket connect(Selectors.Loop loop, URI uri, Listener listener) {
    SocketChannel channel;
    try {
      channel = SocketChannel.open();
    } catch (IOException e) {
      listener.onError(e);
      return null;
    }
    NioWebSocket ws = new NioWebSocket(loop, listener, channel, uri);
    loop.execute(() -> ws.start(new InetSocketAddress(uri.getHost(), uri.getPort())));
    return ws;
  }

  static String accept(String key64) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(key64.getBytes(StandardCharsets.US_ASCII));
      sha1.update(ACCEPT_GUID);
      return Base64.getEncoder().encodeToString(sha1.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void start(InetSocketAddress address) {
    try {
      channel.configureBlocking(false);
      channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
      if (channel.connect(address)) {
        key = channel.register(loop.selector, SelectionKey.OP_READ, this);
        connected();
      } else {
        key = channel.register(loop.selector, SelectionKey.OP_CONNECT, this);
      }
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  private void connected() throws IOException {
    state = HANDSHAKE;
    ByteBuffer b = ByteBuffer.wrap(request);
    channel.write(b);
    if (b.hasRemaining()) {
      throw new IOException("handshake request not written at once");
    }
    key.interestOps(SelectionKey.OP_READ);
  }

  boolean isOpen() {
    return state == OPEN;
  }

  /** Called by the loop for a ready key. */
  void ready(SelectionKey k) {
    try {
      if (!k.isValid()) {
        return;
      }
      if (k.isConnectable()) {
        channel.finishConnect();
        connected();
        return;
      }
      if (k.isWritable()) {
        flush();
      }
      if (k.isValid() && k.isReadable()) {
        read();
      }
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  // ---- reading ----

  private void read() throws IOException {
    while (state == HANDSHAKE || state == OPEN) {
      byte[] data;
      int start;
      ByteBuffer into;
      if (carry != null && carry.length > loop.buffer.length) {
        // a frame larger than the loop's buffer is put together in a buffer of its own
        data = carry;
        start = carryLength;
        into = ByteBuffer.wrap(data, start, data.length - start);
      } else {
        data = loop.buffer;
        start = 0;
        if (carry != null) {
          System.arraycopy(carry, 0, data, 0, carryLength);
          start = carryLength;
        }
        into = loop.wrapped;
        into.limit(data.length).position(start);
      }
      int n = channel.read(into);
      if (n < 0) {
        throw new IOException("end of stream");
      }
      if (n == 0) {
        return; // the carry, if any, is still where it was
      }
      long now = System.nanoTime();
      int end = start + n;
      int used = 0;
      int needed = 0;
      if (state == HANDSHAKE) {
        int head = indexOf(data, 0, end, END_OF_HEAD);
        if (head < 0) {
          if (end > MAX_HEAD_BYTES) {
            throw new IOException("handshake: response head too long");
          }
        } else {
          handshake(new String(data, 0, head, StandardCharsets.ISO_8859_1));
          used = head + END_OF_HEAD.length;
        }
      }
      if (state == OPEN) {
        used = frames(data, used, end, now);
        needed = pendingFrameBytes;
      }
      if (state != HANDSHAKE && state != OPEN) {
        return;
      }
      keep(data, used, end, needed);
      if (end < data.length) {
        return; // the socket had no more
      }
    }
  }

  // Keeps data[used, end) for the next read, in an array big enough for the frame it starts.
  private void keep(byte[] data, int used, int end, int needed) {
    int left = end - used;
    if (left == 0) {
      carry = null;
    } else if (needed <= loop.buffer.length) {
      carry = Arrays.copyOfRange(data, used, end);
    } else if (data == carry && carry.length >= needed) {
      System.arraycopy(data, used, carry, 0, left);
    } else {
      byte[] big = new byte[needed];
      System.arraycopy(data, used, big, 0, left);
      carry = big;
    }
    carryLength = left;
  }

  private void handshake(String head) throws IOException {
    String[] lines = head.split("\r\n");
    if (lines.length == 0 || !lines[0].startsWith("HTTP/1.1 101")) {
      throw new IOException("handshake refused: " + (lines.length == 0 ? "" : lines[0]));
    }
    String accept = null;
    boolean upgrade = false;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      if (name.equals("sec-websocket-accept")) {
        accept = value;
      } else if (name.equals("upgrade")) {
        upgrade = value.equalsIgnoreCase("websocket");
      }
    }
    if (!upgrade || !expectedAccept.equals(accept)) {
      throw new IOException("handshake: wrong Upgrade or Sec-WebSocket-Accept");
    }
    state = OPEN;
    listener.onOpen(this);
  }

  // Handles every complete frame in data[from, to); returns where the first incomplete one starts.
  private int frames(byte[] data, int from, int to, long now) throws IOException {
    int p = from;
    pendingFrameBytes = 0;
    while (to - p >= 2 && state == OPEN) {
      int b0 = data[p] & 0xff;
      int b1 = data[p + 1] & 0xff;
      int header = 2;
      long length = b1 & 0x7f;
      if (length == 126) {
        if (to - p < 4) {
          break;
        }
        length = ((data[p + 2] & 0xff) << 8) | (data[p + 3] & 0xff);
        header = 4;
      } else if (length == 127) {
        if (to - p < 10) {
          break;
        }
        length = 0;
        for (int i = 2; i < 10; i++) {
          length = (length << 8) | (data[p + i] & 0xff);
        }
        header = 10;
      }
      boolean masked = (b1 & 0x80) != 0;
      if (masked) {
        header += 4;
      }
      if (length > MAX_MESSAGE_BYTES) {
        protocolError(1009, "frame too large");
        return to;
      }
      if (to - p < header + length) {
        pendingFrameBytes = header + (int) length;
        break;
      }
      int s = p + header;
      int e = s + (int) length;
      if (masked) { // servers must not mask; unmask anyway
        for (int i = s; i < e; i++) {
          data[i] ^= data[s - 4 + ((i - s) & 3)];
        }
      }
      frame((b0 & 0x80) != 0, b0 & 0x0f, data, s, e, now);
      p = e;
    }
    return p;
  }

  private void frame(boolean fin, int opcode, byte[] data, int from, int to, long now) throws IOException {
    switch (opcode) {
      case 0x1, 0x2 -> {
        if (messageOpcode >= 0) {
          protocolError(1002, "new message inside a fragmented one");
        } else if (fin) {
          if (opcode == 0x1) {
            listener.onText(data, from, to, now);
          }
        } else {
          messageOpcode = opcode;
          messageLength = 0;
          append(data, from, to);
        }
      }
      case 0x0 -> {
        if (messageOpcode < 0) {
          protocolError(1002, "continuation without a message");
          return;
        }
        append(data, from, to);
        if (fin) {
          if (messageOpcode == 0x1) {
            listener.onText(message, 0, messageLength, now);
          }
          messageOpcode = -1;
          message = messageLength > loop.buffer.length ? null : message; // keep small ones for reuse
          messageLength = 0;
        }
      }
      case 0x8 -> {
        int code = to - from >= 2 ? ((data[from] & 0xff) << 8) | (data[from + 1] & 0xff) : 1005;
        String reason = to - from > 2 ? new String(data, from + 2, to - from - 2, StandardCharsets.UTF_8) : "";
        closeReceived(code, reason);
      }
      case 0x9 -> writeControl(frame(0xA, Arrays.copyOfRange(data, from, to)));
      case 0xA -> {
        // an unsolicited pong: nothing to do
      }
      default -> protocolError(1002, "unknown opcode " + opcode);
    }
  }

  private void append(byte[] data, int from, int to) throws IOException {
    int n = to - from;
    if ((long) messageLength + n > MAX_MESSAGE_BYTES) {
      protocolError(1009, "message too large");
      return;
    }
    if (message == null || message.length < messageLength + n) {
      message = Arrays.copyOf(message == null ? new byte[0] : message, Math.max(messageLength + n, 2 * messageLength));
    }
    System.arraycopy(data, from, message, messageLength, n);
    messageLength += n;
  }

  private void closeReceived(int code, String reason) {
    boolean reply;
    synchronized (this) {
      reply = !closeSent;
      if (reply) {
        closeSent = true;
      }
    }
    if (reply) {
      // echo the code, as RFC 6455 asks; a code that may not be sent (1005) becomes an empty close
      byte[] payload = code == 1005 ? new byte[0] : new byte[] {(byte) (code >>> 8), (byte) code};
      writeControl(frame(0x8, payload));
    }
    state = CLOSED;
    closeChannel();
    listener.onClose(code, reason);
  }

  private void protocolError(int code, String why) throws IOException {
    sendClose(code, "");
    throw new IOException(why);
  }

  // ---- writing ----

  /**
   * Sends a text frame, or queues it behind what the socket has not taken yet; false if the socket is not open or
   * closing. A failed write throws, and the connection fails (the listener hears onError).
   */
  boolean sendText(String text) throws IOException {
    return write(frame(0x1, text.getBytes(StandardCharsets.UTF_8)), false);
  }

  // Control frames: a failed write has already failed the connection, which is all there is to do.
  private void writeControl(ByteBuffer frame) {
    try {
      write(frame, true);
    } catch (IOException e) {
      // the connection fails on the loop
    }
  }

  /** Sends a close frame (once); the socket closes when the server answers, or when {@link #abort} is called. */
  void sendClose(int code, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    byte[] payload = new byte[2 + Math.min(r.length, 123)];
    payload[0] = (byte) (code >>> 8);
    payload[1] = (byte) code;
    System.arraycopy(r, 0, payload, 2, payload.length - 2);
    synchronized (this) {
      if (closeSent || state != OPEN) {
        return;
      }
      closeSent = true;
    }
    writeControl(frame(0x8, payload));
  }

  /** Frames written or queued but not yet in the socket's buffer. */
  synchronized int queued() {
    return queued == null ? 0 : queued.size();
  }

  /** A masked frame: client frames are always masked (RFC 6455 5.3), with a fresh key each. */
  private static ByteBuffer frame(int opcode, byte[] payload) {
    int n = payload.length;
    int header = 2 + (n < 126 ? 0 : n < 65_536 ? 2 : 8) + 4;
    byte[] f = new byte[header + n];
    f[0] = (byte) (0x80 | opcode);
    int i;
    if (n < 126) {
      f[1] = (byte) (0x80 | n);
      i = 2;
    } else if (n < 65_536) {
      f[1] = (byte) (0x80 | 126);
      f[2] = (byte) (n >>> 8);
      f[3] = (byte) n;
      i = 4;
    } else {
      f[1] = (byte) (0x80 | 127);
      for (int shift = 56, j = 2; shift >= 0; shift -= 8, j++) {
        f[j] = (byte) ((long) n >>> shift);
      }
      i = 10;
    }
    int mask = ThreadLocalRandom.current().nextInt();
    byte m0 = (byte) (mask >>> 24);
    byte m1 = (byte) (mask >>> 16);
    byte m2 = (byte) (mask >>> 8);
    byte m3 = (byte) mask;
    f[i] = m0;
    f[i + 1] = m1;
    f[i + 2] = m2;
    f[i + 3] = m3;
    i += 4;
    int j = 0;
    for (; j + 3 < n; j += 4) {
      f[i + j] = (byte) (payload[j] ^ m0);
      f[i + j + 1] = (byte) (payload[j + 1] ^ m1);
      f[i + j + 2] = (byte) (payload[j + 2] ^ m2);
      f[i + j + 3] = (byte) (payload[j + 3] ^ m3);
    }
    for (; j < n; j++) {
      f[i + j] = (byte) (payload[j] ^ f[i - 4 + (j & 3)]);
    }
    return ByteBuffer.wrap(f);
  }

  // Writes now if nothing is queued, else queues behind what is; control frames go out even while closing.
  private boolean write(ByteBuffer frame, boolean control) throws IOException {
    boolean watch = false;
    try {
      synchronized (this) {
        if (state != OPEN) {
          return false;
        }
        if (closeSent && !control) {
          return false;
        }
        if (queued == null || queued.isEmpty()) {
          channel.write(frame);
          if (!frame.hasRemaining()) {
            return true;
          }
          if (queued == null) {
            queued = new ArrayDeque<>();
          }
          watch = true;
        }
        queued.add(frame);
      }
    } catch (IOException e) {
      failLater(e);
      throw e;
    }
    if (watch) {
      loop.execute(this::watchWritable);
    }
    return true;
  }

  private void watchWritable() {
    if (key != null && key.isValid()) {
      key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
    }
  }

  // Loop thread: the socket takes more; write what is queued, stop watching once it is all out.
  private void flush() throws IOException {
    synchronized (this) {
      while (queued != null && !queued.isEmpty()) {
        ByteBuffer head = queued.peek();
        channel.write(head);
        if (head.hasRemaining()) {
          return;
        }
        queued.poll();
      }
    }
    key.interestOps(SelectionKey.OP_READ);
  }

  // ---- ending ----

  private void failLater(IOException e) {
    loop.execute(() -> fail(e));
  }

  /** Loop thread: the connection is gone without a close handshake (also when the loop stops). */
  void fail(Throwable e) {
    closeChannel();
    if (state != CLOSED) {
      state = CLOSED;
      listener.onError(e);
    }
  }

  /** Drops the connection at once (from any thread); the listener hears onError if no close frame came. */
  void abort() {
    closeChannel();
    loop.execute(() -> fail(new IOException("aborted")));
  }

  private void closeChannel() {
    synchronized (this) {
      if (queued != null) {
        queued.clear();
      }
    }
    try {
      channel.close();
    } catch (IOException e) {
      // closed anyway
    }
  }

  /** Index of {@code key} in {@code data[from, to)}, or -1. */
  static int indexOf(byte[] data, int from, int to, byte[] key) {
    byte first = key[0];
    int last = to - key.length;
    outer:
    for (int i = from; i <= last; i++) {
      if (data[i] != first) {
        continue;
      }
      for (int j = 1; j < key.length; j++) {
        if (data[i + j] != key[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}

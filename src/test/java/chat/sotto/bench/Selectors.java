package chat.sotto.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The generator's WebSocket threads: a few selector loops, each owning a share of the sockets (round robin) and
 * doing all their reading, frame parsing and observer calls on its one thread. A loop reads into one buffer of its
 * own, so a socket costs no read buffer while it waits (idle mode holds thousands). Senders write to a socket from
 * their own thread (see {@link NioWebSocket}); a loop only takes over the writes a full socket buffer left behind.
 */
final class Selectors implements AutoCloseable {
  /** Bytes one read may take: many frames per system call when the server is ahead of us. */
  static final int READ_BUFFER_BYTES = 256 * 1024;

  private final Loop[] loops;
  private final AtomicInteger next = new AtomicInteger();

  Selectors(int threads) {
    loops = new Loop[threads];
    for (int i = 0; i < threads; i++) {
      loops[i] = new Loop();
      Thread t = Threads.daemon("bench-ws-" + i).newThread(loops[i]);
      t.start();
    }
  }

  /** The loop the next socket goes to. */
  Loop next() {
    return loops[Math.floorMod(next.getAndIncrement(), loops.length)];
  }

  @Override
  public void close() {
    for (Loop l : loops) {
      l.stop();
    }
  }

  /** One selector thread. Tasks from other threads (register, watch for writability) run between selects. */
  static final class Loop implements Runnable {
    final Selector selector;
    final byte[] buffer = new byte[READ_BUFFER_BYTES];
    final ByteBuffer wrapped = ByteBuffer.wrap(buffer);
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    Loop() {
      try {
        selector = Selector.open();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Runs {@code task} on this loop's thread, soon. */
    void execute(Runnable task) {
      tasks.add(task);
      selector.wakeup();
    }

    void stop() {
      running = false;
      selector.wakeup();
    }

    @Override
    public void run() {
      try {
        while (running) {
          selector.select(this::ready);
          for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            task.run();
          }
        }
      } catch (IOException | RuntimeException e) {
        System.err.println("bench selector stopped: " + e.getClass().getName());
      } finally {
        for (SelectionKey k : selector.keys()) {
          ((NioWebSocket) k.attachment()).fail(new IOException("generator stopped"));
        }
        try {
          selector.close();
        } catch (IOException e) {
          // nothing left to release
        }
      }
    }

    private void ready(SelectionKey key) {
      ((NioWebSocket) key.attachment()).ready(key);
    }
  }
}

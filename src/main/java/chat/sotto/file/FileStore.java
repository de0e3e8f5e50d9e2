package chat.sotto.file;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.common.Transactions;
import chat.sotto.limits.BucketKey;
import chat.sotto.limits.DeploymentUsage;
import chat.sotto.limits.RateLimiter;
import chat.sotto.metrics.RelayMetrics;
import chat.sotto.room.RoomDeleting;
import chat.sotto.room.RoomDeletionCommitted;
import chat.sotto.room.RoomId;
import chat.sotto.session.Participant;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Files of rooms: begins uploads (within the rates, the room's file cap and the deployment's byte cap), stores and
 * serves chunks, deletes files. Each call is one transaction on the persistence context's connection, so that the
 * rate buckets it takes and the rows it writes commit together; the SQL is {@link FileRows}. A room's files go in the
 * transaction that deletes the room ({@link #purge}). Chunks are never deleted in the transaction that deletes their
 * file: they follow it, after its commit, a few at a time ({@link #dropChunks}), so that no transaction carries more than
 * a few MiB of deleted data (H2's file store wrote a room's 100 MiB of deleted chunks as one 120 MB buffer, and a node
 * with a 1 GiB heap lost its database to that).
 */
@ApplicationScoped
public class FileStore {
  private static final Logger LOG = Logger.getLogger(FileStore.class.getName());

  /** Abandoned uploads deleted per housekeeping run at most; the next run takes the rest. */
  static final int ABANDONED_PER_SWEEP = 500;

  /** Chunks deleted per transaction: at most 4 MiB of deleted data in one commit. */
  static final int CHUNKS_PER_TRANSACTION = 4;

  /** Files whose chunks were left behind, dropped per orphan sweep at most. */
  static final int ORPHANS_PER_SWEEP = 100;

  @PersistenceContext(unitName = "sotto")
  EntityManager em;

  @Inject Transactions tx;
  @Inject RateLimiter limiter;
  @Inject FileSettings settings;
  @Inject DeploymentUsage usage;
  @Inject RelayMetrics metrics;
  @Inject Clock clock;

  /**
   * Begins a file of {@code shape} in the uploader's room. When the room's files would pass its cap, its oldest complete
   * files are deleted first, as history is trimmed; if uploads in progress hold the space still missing, the new file
   * waits for them (429, until the oldest of them would expire).
   */
  public FileId create(Participant uploader, FileShape shape) {
    settings.admit(shape);
    List<FileId> trimmed = new ArrayList<>();
    FileId created = tx.required(() -> sql(c -> begin(c, uploader, shape, trimmed)));
    trimmed.forEach(this::dropChunks);
    return created;
  }

  // The transaction of create: the files it trimmed are added to {@code trimmed}, for their chunks to go after it.
  private FileId begin(Connection c, Participant uploader, FileShape shape, List<FileId> trimmed) throws SQLException {
    RoomId room = uploader.roomId();
    long now = clock.millis();
    // Buckets before the room's row: the lock order of the message writer too.
    limiter.acquire(BucketKey.sessionFiles(uploader.id()), settings.perSession(), now);
    limiter.acquire(BucketKey.roomFiles(room), settings.perRoom(), now);
    long held = FileRows.lockRoom(c, room);
    if (held < 0) {
      throw new Refusal(Reason.ROOM_NOT_FOUND);
    }
    long kept = held <= settings.roomBytes() - shape.bytes() ? held : trim(c, room, held, shape, now, trimmed);
    if (!usage.reserve(shape.bytes())) {
      throw new Refusal(Reason.SERVER_FULL);
    }
    FileId id = FileId.random();
    FileRows.insert(c, id, room, uploader.id(), shape, now);
    FileRows.setRoomBytes(c, room, kept + shape.bytes());
    return id;
  }

  /**
   * Stores chunk {@code index} of a file its caller began. A chunk is written once; the one that was missing last
   * completes the file, which from then on is served.
   */
  public void write(Participant uploader, FileId id, ChunkIndex index, byte[] data) {
    boolean completed =
        tx.required(
            () ->
                sql(
                    c -> {
                      StoredFile file = FileRows.lock(c, uploader.roomId(), id);
                      if (file == null) {
                        throw new Refusal(Reason.FILE_NOT_FOUND);
                      }
                      if (!file.uploader().equals(uploader.id())) {
                        throw new Refusal(Reason.NOT_UPLOADER);
                      }
                      if (index.value() >= file.shape().chunks()) {
                        throw new Refusal(Reason.BAD_REQUEST);
                      }
                      if (FileRows.chunkExists(c, id, index)) {
                        throw new Refusal(Reason.CHUNK_EXISTS);
                      }
                      if (!file.canTake(data.length)) {
                        throw new Refusal(Reason.BAD_REQUEST);
                      }
                      FileRows.addChunk(c, file, index, data, file.lastMissing());
                      return file.lastMissing();
                    }));
    metrics.fileChunkStored(data.length, completed);
  }

  /** Chunk {@code index} of a complete file of the reader's room. */
  public byte[] read(Participant reader, FileId id, ChunkIndex index) {
    byte[] data = tx.required(() -> sql(c -> FileRows.chunk(c, reader.roomId(), id, index)));
    if (data == null) {
      throw new Refusal(Reason.FILE_NOT_FOUND);
    }
    return data;
  }

  /** Deletes a file (an upload given up, or a file taken back): its uploader may, and the room's owner. */
  public void delete(Participant who, FileId id) {
    tx.required(
        () ->
            sql(
                c -> {
                  long held = FileRows.lockRoom(c, who.roomId());
                  StoredFile file = held < 0 ? null : FileRows.find(c, who.roomId(), id);
                  if (file == null) {
                    throw new Refusal(Reason.FILE_NOT_FOUND);
                  }
                  if (!file.uploader().equals(who.id()) && !who.owner()) {
                    throw new Refusal(Reason.NOT_UPLOADER);
                  }
                  FileRows.delete(c, id);
                  FileRows.setRoomBytes(c, who.roomId(), held - file.shape().bytes());
                  return null;
                }));
    dropChunks(id);
  }

  /**
   * Deletes uploads that were not finished within {@code sotto.files.incomplete-minutes}, each in its own transaction
   * (re-checked there, so that nodes sweeping at once do no harm). Returns how many went.
   */
  public int deleteAbandoned() {
    long before = clock.millis() - settings.incompleteMillis();
    List<FileRows.Ref> abandoned = tx.required(() -> sql(c -> FileRows.abandoned(c, before, ABANDONED_PER_SWEEP)));
    int deleted = 0;
    for (FileRows.Ref ref : abandoned) {
      try {
        if (tx.required(() -> sql(c -> deleteIfAbandoned(c, ref, before)))) {
          deleted++;
          dropChunks(ref.id());
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "could not delete an abandoned upload: {0}", e.getClass().getName());
      }
    }
    return deleted;
  }

  void purge(@Observes RoomDeleting event) {
    sql(
        c -> {
          FileRows.purge(c, event.roomId());
          return null;
        });
  }

  /** The chunks of a deleted room's files, once its deletion committed. */
  void dropChunks(@Observes RoomDeletionCommitted event) {
    try {
      tx.required(() -> sql(c -> FileRows.chunkedFiles(c, event.roomId()))).forEach(this::dropChunks);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "chunks of a deleted room left to the orphan sweep: {0}", e.getClass().getName());
    }
  }

  /**
   * Drops chunks whose file is gone but which were left behind (a node stopped, or the database failed, while it
   * dropped them): the housekeeper's safety net, bounded per run. Returns the files whose chunks went.
   */
  public int dropOrphanedChunks() {
    List<FileId> orphaned = tx.required(() -> sql(c -> FileRows.orphaned(c, ORPHANS_PER_SWEEP)));
    orphaned.forEach(this::dropChunks);
    return orphaned.size();
  }

  /**
   * Drops every chunk of a file whose row is gone (its deletion committed), {@link #CHUNKS_PER_TRANSACTION} per
   * transaction. A failure leaves the rest to the orphan sweep: the file no longer exists for anyone.
   */
  void dropChunks(FileId id) {
    try {
      while (tx.required(() -> sql(c -> FileRows.dropChunks(c, id, CHUNKS_PER_TRANSACTION))) > 0) {
        // the next few
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "chunks of a deleted file left to the orphan sweep: {0}", e.getClass().getName());
    }
  }

  // Deletes the room's oldest complete files until the new one fits; returns the bytes the room's files keep.
  private long trim(Connection c, RoomId room, long held, FileShape shape, long now, List<FileId> going)
      throws SQLException {
    long cap = settings.roomBytes();
    long kept = held;
    long firstExpiry = Long.MAX_VALUE;
    for (StoredFile file : FileRows.ofRoom(c, room)) {
      if (kept + shape.bytes() <= cap) {
        break;
      }
      if (file.complete()) {
        going.add(file.id());
        kept -= file.shape().bytes();
      } else {
        firstExpiry = Math.min(firstExpiry, file.createdAt() + settings.incompleteMillis());
      }
    }
    if (kept + shape.bytes() > cap) {
      throw Refusal.rateLimited(firstExpiry == Long.MAX_VALUE ? 1000 : firstExpiry - now);
    }
    for (FileId id : going) {
      FileRows.delete(c, id);
    }
    return kept;
  }

  private static boolean deleteIfAbandoned(Connection c, FileRows.Ref ref, long before) throws SQLException {
    long held = FileRows.lockRoom(c, ref.room());
    StoredFile file = held < 0 ? null : FileRows.find(c, ref.room(), ref.id());
    if (file == null || file.complete() || file.createdAt() > before) {
      return false;
    }
    FileRows.delete(c, ref.id());
    FileRows.setRoomBytes(c, ref.room(), held - file.shape().bytes());
    return true;
  }

  /**
   * Runs SQL on the connection of the persistence context's transaction (the rate limiter's too), after pending
   * changes reached it.
   */
  private <T> T sql(Work<T> work) {
    em.flush();
    try {
      return work.on(em.unwrap(Connection.class));
    } catch (SQLException e) {
      throw new PersistenceException("file storage unavailable", e);
    }
  }

  private interface Work<T> {
    T on(Connection c) throws SQLException;
  }
}

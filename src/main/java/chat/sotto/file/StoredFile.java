package chat.sotto.file;

import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;

/** A file's row: what its uploader declared and what of it has arrived. */
record StoredFile(
    FileId id,
    RoomId room,
    SessionId uploader,
    FileShape shape,
    int storedChunks,
    long storedBytes,
    boolean complete,
    long createdAt) {

  /**
   * Whether a chunk of {@code length} bytes can be the next to arrive: the chunks still missing after it must be able
   * to hold exactly the bytes still missing, so the last chunk makes the declared total exact.
   */
  boolean canTake(int length) {
    int chunksLeft = shape.chunks() - storedChunks - 1;
    long bytesLeft = shape.bytes() - storedBytes - length;
    return length >= FileShape.TAG_BYTES
        && length <= FileShape.MAX_CHUNK_BYTES
        && chunksLeft >= 0
        && FileShape.fits(chunksLeft, bytesLeft);
  }

  /** Whether a chunk taken now would be the last one missing. */
  boolean lastMissing() {
    return storedChunks + 1 == shape.chunks();
  }
}

package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Encrypted files through the REST API, as members and attackers see them: what one member uploads another downloads
 * byte for byte; tokens of no session, of another room, of a removed, departed or knocking member reach nothing;
 * oversized declarations and bodies, rewrites and foreign writes are refused; the rates and the room's cap hold; and
 * a closed room, a deleted file or an abandoned upload leaves no row behind. The server's settings are its defaults.
 */
@ExtendWith(ArquillianExtension.class)
class FileTransferIT {
  /** A full chunk's ciphertext: 1 MiB of plaintext and the AES-GCM tag. */
  private static final int MAX = 1_048_592;
  /** The largest file by default: 25 MiB of plaintext in 25 full chunks. */
  private static final int MAX_CHUNKS = 25;
  private static final long MAX_FILE = (long) MAX_CHUNKS * MAX;
  private static final Duration SWEEP = Duration.ofSeconds(30);
  private static final SecureRandom RANDOM = new SecureRandom();

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void aMemberDownloadsExactlyTheBytesTheUploaderStored() {
    try (Room room = Room.open()) {
      Api.Session member = room.member();
      byte[][] chunks = {random(MAX), random(MAX), random(1_000)};
      long total = 2L * MAX + 1_000;
      HttpResponse<String> created = Api.post(room.files(), shape(3, total), room.owner().token());
      assertEquals(201, created.statusCode(), created.body());
      assertTrue(created.body().contains("\"chunkBytes\":1048592"), created.body());
      String file = Api.field(created.body(), "fileId");
      assertTrue(file.matches("[A-Za-z0-9_-]{22}"), file);

      // in any order; a file is served only once complete
      assertEquals(204, Api.put(room.chunk(file, 2), chunks[2], room.owner().token()).statusCode());
      assertEquals(204, Api.put(room.chunk(file, 0), chunks[0], room.owner().token()).statusCode());
      assertError(404, "file_not_found", Api.getBytes(room.chunk(file, 0), member.token()));
      assertEquals(204, Api.put(room.chunk(file, 1), chunks[1], room.owner().token()).statusCode());

      for (int i = 0; i < chunks.length; i++) {
        HttpResponse<byte[]> r = Api.getBytes(room.chunk(file, i), member.token());
        assertEquals(200, r.statusCode());
        assertArrayEquals(chunks[i], r.body(), "chunk " + i);
        assertEquals("application/octet-stream", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
      }
      assertError(404, "file_not_found", Api.getBytes(room.chunk(file, 3), member.token()));
      assertEquals(total, Database.count("SELECT file_bytes FROM rooms WHERE id = ?", room.id()));
      assertEquals(0, Database.count("SELECT stored_bytes FROM rooms WHERE id = ?", room.id()), "message bytes apart");
      assertEquals(total, Database.count("SELECT SUM(OCTET_LENGTH(data)) FROM file_chunks WHERE file_id = ?", file));
    }
  }

  @Test
  void withoutAValidTokenEveryFileCallIsUnauthorized() {
    try (Room room = Room.open()) {
      String file = room.completeFile(room.owner(), random(100));
      for (String token : new String[] {null, Api.random(32)}) {
        assertError(401, "unauthorized", Api.post(room.files(), shape(1, 16), token));
        assertError(401, "unauthorized", Api.put(room.chunk(file, 0), random(16), token));
        assertError(401, "unauthorized", Api.getBytes(room.chunk(file, 0), token));
        assertError(401, "unauthorized", Api.delete(room.files() + "/" + file, token));
      }
      assertEquals(1, Database.count("SELECT COUNT(*) FROM files WHERE room_id = ?", room.id()));
    }
  }

  @Test
  void aTokenOfAnotherRoomIsForbiddenThereAndFindsNoneOfItsFilesAtHome() {
    try (Room room = Room.open();
        Room other = Room.open()) {
      byte[] content = random(500);
      String file = room.completeFile(room.owner(), content);
      String stranger = other.owner().token();
      assertError(403, "forbidden", Api.post(room.files(), shape(1, 16), stranger));
      assertError(403, "forbidden", Api.put(room.chunk(file, 0), random(16), stranger));
      assertError(403, "forbidden", Api.getBytes(room.chunk(file, 0), stranger));
      assertError(403, "forbidden", Api.delete(room.files() + "/" + file, stranger));
      // the same file ID through the stranger's own room
      assertError(404, "file_not_found", Api.getBytes(other.chunk(file, 0), stranger));
      assertError(404, "file_not_found", Api.put(other.chunk(file, 0), random(16), stranger));
      assertError(404, "file_not_found", Api.delete(other.files() + "/" + file, stranger));
      assertArrayEquals(content, Api.getBytes(room.chunk(file, 0), room.owner().token()).body(), "untouched");
    }
  }

  @Test
  void aFileAboveTheServersMaximumIsRefusedBeforeAnyUploadAndImpossibleShapesAreBadRequests() {
    try (Room room = Room.open()) {
      String token = room.owner().token();
      assertError(413, "file_too_large", Api.post(room.files(), shape(MAX_CHUNKS + 1, MAX_FILE + MAX), token));
      assertError(413, "file_too_large", Api.post(room.files(), shape(MAX_CHUNKS + 1, MAX_FILE + 16), token));
      for (String bad :
          List.of(
              shape(0, 0),
              shape(2, 31),
              shape(1, MAX + 1),
              "{\"chunks\":1}",
              "{\"chunks\":1,\"bytes\":16,\"name\":\"holiday.jpg\"}",
              "{\"chunks\":1.5,\"bytes\":100}",
              "not json")) {
        assertError(400, "bad_request", Api.post(room.files(), bad, token));
      }
      assertEquals(0, Database.count("SELECT COUNT(*) FROM files WHERE room_id = ?", room.id()));
      assertEquals(201, Api.post(room.files(), shape(MAX_CHUNKS, MAX_FILE), token).statusCode(), "the largest fits");
    }
  }

  @Test
  void aChunkBodyAboveOneChunkIsRefusedAndTheConnectionClosedWhileOtherPathsKeepTheirLimit() throws IOException {
    try (Room room = Room.open()) {
      String token = room.owner().token();
      String file = Api.field(Api.post(room.files(), shape(1, MAX), token).body(), "fileId");
      for (boolean chunked : new boolean[] {false, true}) {
        RawAnswer r = RawAnswer.put(room.chunk(file, 0), token, MAX + 1, chunked);
        assertEquals(413, r.status(), r.toString());
        assertEquals("too_large", Api.field(r.body(), "error"), r.toString());
        assertTrue(r.connectionClosed(), "the connection ends after the answer: " + r);
      }
      assertEquals(0, Database.count("SELECT COUNT(*) FROM file_chunks WHERE file_id = ?", file));
      assertEquals(204, Api.put(room.chunk(file, 0), random(MAX), token).statusCode(), "exactly one chunk fits");

      // everywhere else the API's 16 KiB still hold, even next to the chunk path
      byte[] overApiLimit = random(17 * 1024);
      assertError(413, "too_large", Api.put(room.chunk(file, 0) + "/more", overApiLimit, token));
      assertError(413, "too_large", Api.put(room.chunk(file, 0) + ";x=1", overApiLimit, token));
      assertError(413, "too_large", Api.put(room.files() + "/" + file, overApiLimit, token));
      assertError(
          413, "too_large", Api.post(room.files(), "{\"chunks\":1,\"bytes\":16,\"x\":\"" + "y".repeat(17 * 1024) + "\"}", token));
    }
  }

  @Test
  void aChunkIsWrittenOnceAndOnlyByItsUploader() {
    try (Room room = Room.open()) {
      Api.Session member = room.member();
      String file = Api.field(Api.post(room.files(), shape(2, 200), room.owner().token()).body(), "fileId");
      byte[] first = random(100);
      assertError(403, "forbidden", Api.put(room.chunk(file, 0), random(100), member.token()));
      assertEquals(204, Api.put(room.chunk(file, 0), first, room.owner().token()).statusCode());
      assertError(409, "chunk_exists", Api.put(room.chunk(file, 0), random(100), room.owner().token()));
      assertError(403, "forbidden", Api.delete(room.files() + "/" + file, member.token()));
      assertEquals(204, Api.put(room.chunk(file, 1), random(100), room.owner().token()).statusCode());
      assertError(409, "chunk_exists", Api.put(room.chunk(file, 1), random(100), room.owner().token()));
      assertArrayEquals(first, Api.getBytes(room.chunk(file, 0), member.token()).body(), "the first write stays");
    }
  }

  @Test
  void aChunkSentAsAnotherTypeIsRefusedWithTheTypeItTakesAndCanStillBeSent() {
    try (Room room = Room.open()) {
      String token = room.owner().token();
      String file = Api.field(Api.post(room.files(), shape(1, 100), token).body(), "fileId");
      for (String type : List.of("application/json", "text/plain", "multipart/form-data; boundary=x")) {
        HttpResponse<String> refused = Api.put(room.chunk(file, 0), random(100), type, token);
        assertError(415, "unsupported_media_type", refused, type);
        assertTrue(Api.field(refused.body(), "message").contains("application/octet-stream"), refused.body());
      }
      assertEquals(204, Api.put(room.chunk(file, 0), random(100), token).statusCode(), "nothing was written");
    }
  }

  @Test
  void chunksThatCannotMakeUpTheDeclaredFileAreRefused() {
    try (Room room = Room.open()) {
      String token = room.owner().token();
      String file = Api.field(Api.post(room.files(), shape(2, MAX + 100), token).body(), "fileId");
      assertError(400, "bad_request", Api.put(room.chunk(file, 2), random(100), token));
      assertError(400, "bad_request", Api.put(room.chunk(file, 0), random(15), token));
      assertError(400, "bad_request", Api.put(room.chunk(file, 0), new byte[0], token));
      assertError(400, "bad_request", Api.put(room.chunk(file, 0), random(50), token), "the other could not hold the rest");
      assertEquals(204, Api.put(room.chunk(file, 0), random(MAX), token).statusCode());
      assertError(400, "bad_request", Api.put(room.chunk(file, 1), random(99), token));
      assertError(400, "bad_request", Api.put(room.chunk(file, 1), random(101), token));
      assertError(404, "file_not_found", Api.getBytes(room.chunk(file, 0), token), "still incomplete");
      assertEquals(204, Api.put(room.chunk(file, 1), random(100), token).statusCode());
      assertEquals(200, Api.getBytes(room.chunk(file, 1), token).statusCode());
      assertError(400, "bad_request", Api.put(room.chunk(file, 1) + "x", random(100), token));
      assertError(404, "file_not_found", Api.put(room.chunk(Api.random(16), 0), random(100), token));
    }
  }

  @Test
  void beginningFilesFasterThanTheSessionsRateIsRateLimited() {
    try (Room room = Room.open()) {
      for (int i = 0; i < 10; i++) {
        assertEquals(201, Api.post(room.files(), shape(1, 16), room.owner().token()).statusCode(), "file " + i);
      }
      HttpResponse<String> limited = Api.post(room.files(), shape(1, 16), room.owner().token());
      assertError(429, "rate_limited", limited);
      assertTrue(Long.parseLong(limited.headers().firstValue("Retry-After").orElse("0")) >= 1, "says when to retry");
      assertEquals(201, Api.post(room.files(), shape(1, 16), room.member().token()).statusCode(), "others may still");
      assertEquals(11, Database.count("SELECT COUNT(*) FROM files WHERE room_id = ?", room.id()));
    }
  }

  @Test
  void closingTheRoomLeavesNoRowOfItsFilesAndTheirChunksAnswerNoOne() {
    Room room = Room.open();
    Api.Session member = room.member();
    String complete = room.completeFile(member, random(MAX));
    String begun = Api.field(Api.post(room.files(), shape(2, 2L * MAX), room.owner().token()).body(), "fileId");
    assertEquals(204, Api.put(room.chunk(begun, 0), random(MAX), room.owner().token()).statusCode());
    assertEquals(2, Database.count("SELECT COUNT(*) FROM file_chunks WHERE room_id = ?", room.id()));

    room.close();

    assertEquals(0, Database.rowsOfRoom(room.id()), () -> "rows of the closed room: " + Database.rowsOfRoomByTable(room.id()));
    for (Api.Session s : List.of(room.owner(), member)) {
      int status = Api.getBytes(room.chunk(complete, 0), s.token()).statusCode();
      assertTrue(status == 401 || status == 404, "a chunk of a closed room answers " + status);
    }
  }

  @Test
  void aRemovedADepartedAndAKnockingMemberReachNoFile() {
    try (Room room = Room.open()) {
      Api.Session removed = room.member();
      Api.Session departed = room.member();
      String file = room.completeFile(room.owner(), random(300));
      assertEquals(200, Api.getBytes(room.chunk(file, 0), removed.token()).statusCode());

      HttpResponse<String> removal =
          Api.delete("api/rooms/" + room.id() + "/members/" + removed.sessionId(), room.owner().token());
      assertEquals(204, removal.statusCode(), removal.body());
      assertEquals(204, Api.delete("api/sessions/current", departed.token()).statusCode());
      for (Api.Session gone : List.of(removed, departed)) {
        assertError(401, "unauthorized", Api.getBytes(room.chunk(file, 0), gone.token()));
        assertError(401, "unauthorized", Api.post(room.files(), shape(1, 16), gone.token()));
      }

      // after a removal the room knocks: a newcomer waits for the owner and sees no file meanwhile
      Api.Session knocking = room.member();
      assertTrue(!knocking.admitted(), "the newcomer knocks");
      assertError(403, "not_admitted", Api.getBytes(room.chunk(file, 0), knocking.token()));
      assertError(403, "not_admitted", Api.post(room.files(), shape(1, 16), knocking.token()));
    }
  }

  @Test
  void theUploaderOrTheOwnerDeletesAFileAndItsSpaceIsFreed() {
    try (Room room = Room.open()) {
      Api.Session member = room.member();
      String byOwner = room.completeFile(member, random(200));
      String byUploader = room.completeFile(member, random(300));
      assertEquals(500, Database.count("SELECT file_bytes FROM rooms WHERE id = ?", room.id()));

      assertEquals(204, Api.delete(room.files() + "/" + byOwner, room.owner().token()).statusCode());
      assertEquals(204, Api.delete(room.files() + "/" + byUploader, member.token()).statusCode());

      assertError(404, "file_not_found", Api.getBytes(room.chunk(byOwner, 0), member.token()));
      assertError(404, "file_not_found", Api.delete(room.files() + "/" + byUploader, member.token()));
      assertEquals(0, Database.count("SELECT file_bytes FROM rooms WHERE id = ?", room.id()));
      assertEquals(0, Database.count("SELECT COUNT(*) FROM files WHERE room_id = ?", room.id()));
      assertEquals(0, Database.count("SELECT COUNT(*) FROM file_chunks WHERE room_id = ?", room.id()));
    }
  }

  @Test
  void aNewFileBeyondTheRoomsCapDeletesTheRoomsOldestCompleteFiles() {
    try (Room room = Room.open()) {
      // three of the largest files fill 75 MiB of the room's 100 MiB; a fourth passes the cap by 1,600 bytes
      List<String> files = new ArrayList<>();
      List<byte[]> firstChunks = new ArrayList<>();
      for (int f = 0; f < 3; f++) {
        byte[] chunk = random(MAX);
        files.add(room.upload(room.owner(), chunk, MAX_CHUNKS));
        firstChunks.add(chunk);
      }
      assertEquals(3 * MAX_FILE, Database.count("SELECT file_bytes FROM rooms WHERE id = ?", room.id()));

      HttpResponse<String> fourth = Api.post(room.files(), shape(MAX_CHUNKS, MAX_FILE), room.owner().token());
      assertEquals(201, fourth.statusCode(), fourth.body());

      assertError(404, "file_not_found", Api.getBytes(room.chunk(files.get(0), 0), room.owner().token()));
      assertEquals(0, Database.count("SELECT COUNT(*) FROM file_chunks WHERE file_id = ?", files.get(0)), "the oldest went");
      for (int f = 1; f < 3; f++) {
        assertArrayEquals(firstChunks.get(f), Api.getBytes(room.chunk(files.get(f), 0), room.owner().token()).body());
      }
      assertEquals(3 * MAX_FILE, Database.count("SELECT file_bytes FROM rooms WHERE id = ?", room.id()));
    }
  }

  @Test
  void uploadsInProgressHoldTheirSpaceSoANewFileWaits() {
    try (Room room = Room.open()) {
      for (int f = 0; f < 3; f++) {
        assertEquals(201, Api.post(room.files(), shape(MAX_CHUNKS, MAX_FILE), room.owner().token()).statusCode());
      }
      HttpResponse<String> waits = Api.post(room.files(), shape(MAX_CHUNKS, MAX_FILE), room.member().token());
      assertError(429, "rate_limited", waits);
      assertTrue(waits.headers().firstValue("Retry-After").isPresent());
      assertEquals(3, Database.count("SELECT COUNT(*) FROM files WHERE room_id = ?", room.id()));
    }
  }

  @Test
  void anUploadNotFinishedInTimeIsDeletedByTheHousekeeper() {
    try (Room room = Room.open()) {
      String token = room.owner().token();
      String finished = room.completeFile(room.owner(), random(100));
      String abandoned = Api.field(Api.post(room.files(), shape(2, 2L * MAX), token).body(), "fileId");
      assertEquals(204, Api.put(room.chunk(abandoned, 0), random(MAX), token).statusCode());
      // both began eleven minutes ago, as far as the database knows (the limit is ten)
      assertEquals(2, Database.update("UPDATE files SET created_at = created_at - 660000 WHERE room_id = ?", room.id()));

      Await.until(
          "the housekeeper to delete the abandoned upload",
          SWEEP,
          () -> Database.count("SELECT COUNT(*) FROM files WHERE id = ?", abandoned) == 0);
      assertEquals(0, Database.count("SELECT COUNT(*) FROM file_chunks WHERE file_id = ?", abandoned));
      assertEquals(100, Database.count("SELECT file_bytes FROM rooms WHERE id = ?", room.id()), "only the finished one");
      assertError(404, "file_not_found", Api.put(room.chunk(abandoned, 1), random(MAX), token));
      assertEquals(200, Api.getBytes(room.chunk(finished, 0), token).statusCode(), "a complete file stays");
    }
  }

  private static String shape(int chunks, long bytes) {
    return "{\"chunks\":" + chunks + ",\"bytes\":" + bytes + "}";
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static void assertError(int status, String code, HttpResponse<?> r) {
    assertError(status, code, r, "");
  }

  private static void assertError(int status, String code, HttpResponse<?> r, String why) {
    String body = r.body() instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(r.body());
    assertEquals(status, r.statusCode(), why + " " + body);
    assertEquals(code, Api.field(body, "error"), why + " " + body);
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), body);
  }

  /**
   * A room whose owner stays connected while the test runs (the test server deletes a room whose owner has been away
   * for 8 s), closed by its owner at the end.
   */
  private record Room(String id, Api.Session owner, RelayClient socket) implements AutoCloseable {
    static Room open() {
      String id = Api.newRoomId();
      Api.Session owner = Api.owner(id);
      return new Room(id, owner, RelayClient.connect(owner, 0));
    }

    Api.Session member() {
      return Api.member(id);
    }

    String files() {
      return "api/rooms/" + id + "/files";
    }

    String chunk(String file, int index) {
      return files() + "/" + file + "/chunks/" + index;
    }

    /** A one-chunk file of {@code content}, uploaded by {@code who}. */
    String completeFile(Api.Session who, byte[] content) {
      return upload(who, content, 1);
    }

    /** A file of {@code chunks} copies of {@code chunk}, uploaded by {@code who}. */
    String upload(Api.Session who, byte[] chunk, int chunks) {
      HttpResponse<String> created = Api.post(files(), shape(chunks, (long) chunks * chunk.length), who.token());
      assertEquals(201, created.statusCode(), created.body());
      String file = Api.field(created.body(), "fileId");
      for (int i = 0; i < chunks; i++) {
        assertEquals(204, Api.put(chunk(file, i), chunk, who.token()).statusCode(), "chunk " + i);
      }
      return file;
    }

    @Override
    public void close() {
      socket.close();
      int status = Api.delete("api/rooms/" + id, owner.token()).statusCode();
      assertTrue(status == 204 || status == 401, "closing the room answers " + status);
    }
  }

  /** What a client that writes a request by hand sees: the answer, and whether the server ended the connection. */
  private record RawAnswer(int status, String headers, String body, boolean connectionClosed) {
    /** A chunk upload of {@code bytes}, with its length declared or chunked, streamed while the answer is read. */
    static RawAnswer put(String path, String token, int bytes, boolean chunked) throws IOException {
      try (Socket socket = new Socket("localhost", SottoWar.BASE.getPort())) {
        socket.setSoTimeout((int) Duration.ofSeconds(20).toMillis());
        OutputStream out = socket.getOutputStream();
        String head =
            "PUT /" + path + " HTTP/1.1\r\nHost: localhost:" + SottoWar.BASE.getPort()
                + "\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/octet-stream\r\nX-Forwarded-Proto: https\r\n"
                + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + bytes + "\r\n")
                + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> stream(out, bytes, chunked));
        try {
          return read(socket.getInputStream());
        } finally {
          writer.cancel(true);
        }
      }
    }

    private static void stream(OutputStream out, int bytes, boolean chunked) {
      byte[] block = random(64 * 1024);
      byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
      try {
        for (int sent = 0; sent < bytes; sent += block.length) {
          int n = Math.min(block.length, bytes - sent);
          if (chunked) {
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          }
          out.write(block, 0, n);
          if (chunked) {
            out.write(crlf);
          }
        }
        if (chunked) {
          out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
      } catch (IOException expected) {
        // the server refused and closed the connection
      }
    }

    private static RawAnswer read(InputStream in) throws IOException {
      String statusLine = line(in);
      StringBuilder headers = new StringBuilder();
      int length = 0;
      for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
        headers.append(h).append('\n');
        if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(h.substring(15).trim());
        }
      }
      String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      boolean closed;
      try {
        closed = in.read() == -1;
      } catch (SocketException reset) {
        closed = true;
      }
      int status = statusLine == null ? -1 : Integer.parseInt(statusLine.split(" ")[1]);
      return new RawAnswer(status, headers.toString(), body, closed);
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder s = new StringBuilder();
      for (int c = in.read(); c != -1; c = in.read()) {
        if (c == '\n') {
          return s.toString();
        }
        if (c != '\r') {
          s.append((char) c);
        }
      }
      return s.length() == 0 ? null : s.toString();
    }
  }
}

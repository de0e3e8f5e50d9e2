package chat.sotto.browser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.Database;
import chat.sotto.it.SottoWar;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files and photos shared in a room: the others (and a late joiner) see and open them; the server, the wire and the
 * database never hold a readable byte, a name or a thumbnail; a photo arrives without its metadata; a chunk the
 * server changed is refused; a file above the limit is refused before anything is uploaded.
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class FileSharingBrowserIT {
  /** A little more than two chunks of 1 MiB, so that order and the last chunk matter. */
  private static final int DOCUMENT_BYTES = 2 * 1024 * 1024 + 123_457;
  private static final long LIMIT_BYTES = 25L * 1024 * 1024;
  private static final Duration TRANSFER = Duration.ofSeconds(60);
  private static final List<String> TABLES = List.of("rooms", "sessions", "messages", "files", "file_chunks");

  @TempDir Path folder;

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void aDocumentAndAPhotoReachEveryoneEncryptedAndThePhotoLosesItsMetadata() throws Exception {
    String marker = Secret.word("Content");
    String exifSecret = Secret.word("Gps");
    String documentName = Secret.word("Report") + ".txt";
    String photoName = Secret.word("Holiday") + ".jpg";
    byte[] document = document(marker);
    byte[] photo = photoWithMetadata(exifSecret);
    Path documentFile = Files.write(folder.resolve(documentName), document);
    Path photoFile = Files.write(folder.resolve(photoName), photo);
    List<Secret> secrets = List.of(Secret.text("file content", marker), Secret.text("photo metadata", exifSecret),
        Secret.text("file name", documentName), Secret.text("photo name", photoName));

    try (Browser a = Browser.start();
        Browser b = Browser.start();
        Browser c = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      String roomId = alice.code().roomId();
      String invite = alice.copyInviteLink();
      RoomPage bob = RoomPage.openInvite(b, invite);

      alice.attach(documentFile);
      alice.browser().until("the document to be sent", TRANSFER, d -> alice.files().stream()
          .anyMatch(f -> f.name().equals(documentName)) && alice.pendingCount() == 0);
      alice.attach(photoFile);
      alice.browser().until("the photo to be sent", TRANSFER, d -> alice.files().stream()
          .anyMatch(f -> f.name().equals(photoName)) && alice.pendingCount() == 0);
      assertEquals("", alice.fileStatus(), "nothing left to tell about the uploads");

      assertFalse(bob.awaitFile(documentName).thumbnail(), "a document shows no thumbnail");
      bob.browser().until("the photo's thumbnail", d -> bob.awaitFile(photoName).thumbnail());

      Path bobsDownloads = b.allowDownloads();
      assertEquals("Decrypted and saved.", bob.download(documentName));
      assertArrayEquals(document, downloaded(bobsDownloads, documentName, document.length), "the same bytes arrive");
      assertEquals("Decrypted and saved.", bob.download(photoName));
      byte[] received = downloaded(bobsDownloads, photoName, -1);
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(received));
      assertNotNull(image, "the photo arrives as an image");
      assertEquals(640, image.getWidth());
      assertEquals(480, image.getHeight());
      assertFalse(Secret.text("photo metadata", exifSecret).foundIn(new String(received, StandardCharsets.ISO_8859_1)),
          "the photo's metadata was removed before it left Alice's browser");
      assertFalse(new String(received, StandardCharsets.ISO_8859_1).contains("Exif"), "no Exif block at all");

      // Someone who joins later sees the earlier files and opens them.
      RoomPage carol = RoomPage.openInvite(c, invite);
      carol.awaitFile(photoName);
      Path carolsDownloads = c.allowDownloads();
      assertEquals("Decrypted and saved.", carol.download(documentName));
      assertArrayEquals(document, downloaded(carolsDownloads, documentName, document.length));

      for (Secret secret : secrets) {
        assertEquals(List.of(), a.sent().containing(secret), secret + " left Alice's browser readable");
        assertFalse(databaseHolds(secret), secret + " is readable in the database");
      }
      assertFalse(databaseHoldsBytes(marker.getBytes(StandardCharsets.UTF_8)), "file content stored in clear");

      // The server (or someone with its database) changes a stored chunk: the reader refuses the file.
      assertEquals(1, Database.update("UPDATE file_chunks SET data = ? WHERE chunk_index = 1"
          + " AND file_id = (SELECT id FROM files WHERE room_id = ? AND chunks = 3)", garbage(1024 * 1024 + 16), roomId));
      assertEquals("This file failed its integrity check (it was changed or damaged) and was not saved.",
          carol.download(documentName));

      // Clicking returns before the page's DELETE is answered: wait for the page to say the room is gone, then for
      // the database (the room's rate buckets go in a transaction of their own right after the room's).
      alice.closeRoom();
      alice.awaitGoneNotice();
      chat.sotto.it.Await.until("the room's rows deleted", Duration.ofSeconds(10), () -> Database.rowsOfRoom(roomId) == 0);
      assertEquals(0, Database.rowsOfRoom(roomId), "closing the room deletes its files: " + Database.rowsOfRoomByTable(roomId));
    }
  }

  @Test
  void aFileAboveTheLimitIsRefusedBeforeAnythingIsUploaded() throws IOException {
    Path big = folder.resolve(Secret.word("Huge") + ".bin");
    try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
      file.setLength(LIMIT_BYTES + 1); // sparse: the page refuses it by its size, without reading it
    }
    try (Browser a = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      alice.attach(big);
      String status = a.until("the refusal", d -> alice.fileStatus().isEmpty() ? null : alice.fileStatus());
      assertEquals(big.getFileName() + " is too large: a file can have at most 25 MB.", status);
      assertTrue(a.sent().urls().stream().noneMatch(u -> u.contains("/api/") && u.contains("/files")),
          "no upload was started");
      assertEquals(List.of(), alice.files());
    }
  }

  /** Text with the marker in every line, a little over two chunks long. */
  private static byte[] document(String marker) {
    StringBuilder text = new StringBuilder(DOCUMENT_BYTES + 100);
    for (int line = 0; text.length() < DOCUMENT_BYTES; line++) {
      text.append(line).append(' ').append(marker).append(" lorem ipsum dolor sit amet\n");
    }
    return text.substring(0, DOCUMENT_BYTES).getBytes(StandardCharsets.US_ASCII);
  }

  /** A 640x480 JPEG whose Exif block (APP1) describes it with the secret, as a camera's GPS and notes would. */
  private static byte[] photoWithMetadata(String secret) throws IOException {
    BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.ORANGE, 640, 480, Color.BLUE));
    g.fillRect(0, 0, 640, 480);
    g.dispose();
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", jpeg);
    byte[] plain = jpeg.toByteArray();
    byte[] description = (secret + "\0").getBytes(StandardCharsets.US_ASCII);
    // TIFF header (little endian), one IFD entry: ImageDescription (0x010E), ASCII, stored after the IFD.
    ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4 + description.length).order(ByteOrder.LITTLE_ENDIAN);
    tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    tiff.putShort((short) 1);
    tiff.putShort((short) 0x010E).putShort((short) 2).putInt(description.length).putInt(8 + 2 + 12 + 4);
    tiff.putInt(0);
    tiff.put(description);
    byte[] exif = ByteBuffer.allocate(6 + tiff.capacity()).put("Exif\0\0".getBytes(StandardCharsets.US_ASCII))
        .put(tiff.array()).array();
    ByteArrayOutputStream withExif = new ByteArrayOutputStream();
    withExif.write(plain, 0, 2); // SOI
    withExif.write(0xFF);
    withExif.write(0xE1);
    withExif.write((exif.length + 2) >> 8);
    withExif.write((exif.length + 2) & 0xFF);
    withExif.write(exif);
    withExif.write(plain, 2, plain.length - 2);
    return withExif.toByteArray();
  }

  /** The bytes of a finished download (Chromium writes a .crdownload file first and renames it when done). */
  private static byte[] downloaded(Path downloads, String name, int expectedLength) {
    Path file = downloads.resolve(name);
    chat.sotto.it.Await.until("the download of " + name + " on disk", TRANSFER,
        () -> Files.isRegularFile(file) && (expectedLength < 0 || sizeOf(file) == expectedLength));
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private static byte[] garbage(int length) {
    byte[] bytes = new byte[length];
    new java.security.SecureRandom().nextBytes(bytes);
    return bytes;
  }

  /** Whether any value of any table with room data shows the secret, in any of its spellings. */
  private static boolean databaseHolds(Secret secret) {
    return values().stream().anyMatch(secret::foundIn);
  }

  private static boolean databaseHoldsBytes(byte[] needle) {
    String text = new String(needle, StandardCharsets.ISO_8859_1);
    return values().stream().anyMatch(v -> v.contains(text));
  }

  /** Every value of the tables with room data, binary ones as their bytes (ISO-8859-1), others as text. */
  private static List<String> values() {
    List<String> values = new ArrayList<>();
    try (Connection c = Database.connect()) {
      for (String table : TABLES) {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table);
            ResultSet rs = ps.executeQuery()) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= columns; i++) {
              Object value = rs.getObject(i);
              values.add(value instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1)
                  : String.valueOf(value));
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
    return values;
  }
}

package chat.sotto.browser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.sotto.it.Await;
import chat.sotto.it.ServerJvm;
import chat.sotto.it.SottoWar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures (benchmark profile only: it prints figures and asserts only that the file arrives whole) how long a 25 MiB
 * file takes to go up and come down on loopback, encryption and decryption in the pages included, and how much CPU
 * the server spends meanwhile. {@code mvn -Pbench verify -Dit.test=FileTransferTimeBrowserIT -DskipPostgresTests}
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class FileTransferTimeBrowserIT {
  private static final int BYTES = 25 * 1024 * 1024;
  private static final Duration TRANSFER = Duration.ofMinutes(3);

  @TempDir Path folder;

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void aFileOfTheLargestSizeGoesUpAndComesDown() throws Exception {
    byte[] content = new byte[BYTES];
    new SecureRandom().nextBytes(content);
    Path file = Files.write(folder.resolve("measure.bin"), content);
    try (Browser a = Browser.start();
        Browser b = Browser.start();
        ServerJvm server = ServerJvm.attach()) {
      RoomPage alice = RoomPage.createRoom(a);
      RoomPage bob = RoomPage.openInvite(b, alice.copyInviteLink());
      Path downloads = b.allowDownloads();

      long cpu = server.cpuMillis();
      long start = System.nanoTime();
      alice.attach(file);
      a.until("the upload", TRANSFER, d -> alice.files().stream().anyMatch(f -> f.name().equals("measure.bin"))
          && alice.pendingCount() == 0);
      report("upload", start, server.cpuMillis() - cpu);

      bob.awaitFile("measure.bin");
      cpu = server.cpuMillis();
      start = System.nanoTime();
      assertEquals("Decrypted and saved.", bob.download("measure.bin"));
      Path saved = downloads.resolve("measure.bin");
      Await.until("the saved file", TRANSFER, () -> Files.isRegularFile(saved) && saved.toFile().length() == BYTES);
      report("download", start, server.cpuMillis() - cpu);
      assertArrayEquals(content, Files.readAllBytes(saved));
    }
  }

  private static void report(String what, long startNanos, long serverCpuMillis) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    System.out.printf("25 MiB %s: %.2f s, %.1f MiB/s; server CPU %.2f s%n", what, seconds, 25 / seconds,
        serverCpuMillis / 1000.0);
  }
}

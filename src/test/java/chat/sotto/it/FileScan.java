package chat.sotto.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * Searches every file under a folder for secrets, byte for byte: what an attacker who copies the server's disk would
 * grep for. A hit names the file and which secret (by its label, never its value).
 */
public final class FileScan {
  private FileScan() {}

  /** A secret to look for, with a label safe to print. */
  public record Secret(String label, String value) {}

  /** Every (file, secret label) where a secret's bytes occur in a file under {@code root}. */
  public static List<String> hits(Path root, Collection<Secret> secrets) {
    List<String> hits = new ArrayList<>();
    if (!Files.exists(root)) {
      return hits;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        byte[] content;
        try {
          content = Files.readAllBytes(file);
        } catch (IOException vanished) {
          continue; // a file removed while the scan ran (a rolled log, a lock file)
        }
        for (Secret s : secrets) {
          if (contains(content, s.value().getBytes(StandardCharsets.UTF_8))) {
            hits.add(root.relativize(file) + ": " + s.label());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return hits;
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}

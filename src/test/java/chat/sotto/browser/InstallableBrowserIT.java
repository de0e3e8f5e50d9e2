package chat.sotto.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.SottoWar;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sotto installs as an app: the browser reads its manifest without errors and loads its icons, and the service
 * worker controls the page after a reload while its cache holds the static shell only, nothing of a room.
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class InstallableBrowserIT {
  /** Every URL in this origin's Cache Storage, as "cache name URL". */
  static final String CACHED =
      """
      const done = arguments[arguments.length - 1];
      (async () => {
        const urls = [];
        for (const name of await caches.keys()) {
          for (const request of await (await caches.open(name)).keys()) urls.push(name + ' ' + request.url);
        }
        return urls;
      })().then(done, (e) => done(['failed: ' + e]));
      """;

  private static final String ICON =
      """
      const done = arguments[arguments.length - 1];
      fetch(arguments[0]).then(async (r) => {
        const type = r.headers.get('content-type');
        const image = new Image();
        image.src = arguments[0];
        await image.decode();
        done({ status: r.status, type, width: image.naturalWidth, height: image.naturalHeight });
      }).catch((e) => done({ status: -1, type: String(e), width: 0, height: 0 }));
      """;

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void theManifestIsValidAndItsIconsLoad() {
    try (Browser a = Browser.start()) {
      a.open(SottoWar.BASE.toString());
      Map<String, Object> manifest = a.devTools("Page.getAppManifest", Map.of());
      assertEquals(SottoWar.ORIGIN + "/manifest.webmanifest", manifest.get("url"));
      assertEquals(List.of(), manifest.get("errors"), "the browser's manifest errors");
      JsonObject data;
      try (JsonReader r = Json.createReader(new StringReader((String) manifest.get("data")))) {
        data = r.readObject();
      }
      assertEquals("Sotto", data.getString("name"));
      assertEquals("/", data.getString("start_url"));
      assertEquals("/", data.getString("scope"));
      assertEquals("standalone", data.getString("display"));
      assertTrue(data.containsKey("theme_color") && data.containsKey("background_color"), data.toString());

      Set<String> seen = new java.util.TreeSet<>();
      for (JsonObject icon : data.getJsonArray("icons").getValuesAs(JsonObject.class)) {
        String src = SottoWar.BASE.resolve(icon.getString("src")).toString();
        @SuppressWarnings("unchecked")
        Map<String, Object> loaded = (Map<String, Object>) a.asyncScript(ICON, src);
        assertEquals(200L, loaded.get("status"), src + ": " + loaded);
        assertEquals(icon.getString("type"), loaded.get("type"), src);
        String sizes = icon.getString("sizes");
        if (!sizes.equals("any")) {
          assertEquals(sizes, loaded.get("width") + "x" + loaded.get("height"), src + " has the size it claims");
        }
        seen.add(sizes + " " + icon.getString("purpose", "any"));
      }
      assertTrue(seen.containsAll(Set.of("192x192 any", "512x512 any", "512x512 maskable")), seen.toString());

      @SuppressWarnings("unchecked")
      Map<String, Object> headers = (Map<String, Object>) a.asyncScript(
          "const done = arguments[arguments.length - 1];"
              + " Promise.all(['/manifest.webmanifest', '/sw.js'].map((u) => fetch(u).then((r) =>"
              + " [u, r.headers.get('content-type') + ' ' + r.headers.has('service-worker-allowed')])))"
              + ".then((e) => done(Object.fromEntries(e)))");
      assertEquals("application/manifest+json false", headers.get("/manifest.webmanifest"));
      assertTrue(((String) headers.get("/sw.js")).matches("(text|application)/(x-)?javascript.* false"), headers.toString());
      assertEquals(List.of(), a.consoleErrors());
    }
  }

  @Test
  void theServiceWorkerControlsThePageAfterAReloadAndCachesOnlyTheStaticShell() {
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      RoomCode code = alice.code();
      a.asyncScript("navigator.serviceWorker.ready.then(() => arguments[arguments.length - 1](true))");
      a.reload();
      alice.awaitConnected();
      assertEquals(Boolean.TRUE, a.script("return navigator.serviceWorker.controller !== null"),
          "the service worker controls the page after a reload");
      assertEquals(code.formatted(), alice.code().formatted(), "the reload kept the room");

      RoomPage bob = RoomPage.openInvite(b, alice.copyInviteLink());
      String said = Secret.word("said");
      bob.send(said);
      alice.awaitMessage(said);
      alice.send(Secret.word("answer"));
      a.click("Show QR code");
      a.until("the QR code", d -> a.script("return document.querySelector('#qr-dialog[open] #qr-code canvas')"));

      @SuppressWarnings("unchecked")
      List<String> cached = (List<String>) a.asyncScript(CACHED);
      System.out.println("Cache Storage after a chat: " + cached);
      Set<String> paths = cached.stream().map(e -> e.substring(e.indexOf(' ') + 1)).map(u -> {
        assertTrue(u.startsWith(SottoWar.ORIGIN + "/"), "cached from elsewhere: " + u);
        return u.substring(SottoWar.ORIGIN.length());
      }).collect(Collectors.toSet());
      assertTrue(paths.containsAll(Set.of("/", "/js/app.js", "/css/base.css", "/manifest.webmanifest",
          "/icons/icon-192.png", "/js/vendor/qrcode-generator/qrcode.mjs")), "the shell is cached: " + paths);
      assertEquals(List.of(), paths.stream().filter(p -> !isStaticShell(p)).toList(), "not static files");
      Secret codeForms = Secret.roomCode(code);
      assertEquals(List.of(), cached.stream().filter(codeForms::foundIn).toList(), "the room code");
      assertEquals(List.of(), a.consoleErrors());
    }
  }

  /**
   * A new version of the worker waits (made here by registering the same script under another URL, which the browser
   * treats as an update of the registration, as it does a changed sw.js): the page says so politely, and "Reload"
   * lets the new version take over and reloads into the same room.
   */
  @Test
  void aNewVersionIsOfferedAndReloadSwitchesToItInTheSameRoom() {
    try (Browser a = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      RoomCode code = alice.code();
      a.asyncScript("navigator.serviceWorker.ready.then(() => arguments[arguments.length - 1](true))");
      a.reload();
      alice.awaitConnected();
      assertEquals(Boolean.TRUE, a.script("return navigator.serviceWorker.controller !== null"));
      assertEquals(Boolean.TRUE, a.script("return document.getElementById('update-notice').hidden"),
          "no notice without an update");

      a.script("navigator.serviceWorker.register('/sw.js?next-version', { scope: '/' })");
      String notice = a.until("the update notice", d -> (String) a.script(
          "const n = document.getElementById('update-notice'); return n.hidden ? null : n.textContent.trim()"));
      assertTrue(notice.startsWith("A new version of Sotto is ready."), notice);
      assertEquals("status", a.script("return document.getElementById('update-notice').getAttribute('role')"),
          "announced politely, without taking the focus");
      a.click("Reload");
      a.until("the new version to control the reloaded page", d -> Boolean.TRUE.equals(a.script(
          "return document.readyState === 'complete'"
              + " && (navigator.serviceWorker.controller?.scriptURL ?? '').endsWith('?next-version')")));
      alice.awaitConnected();
      assertEquals(code.formatted(), alice.code().formatted(), "the reload stays in the room");
      // (The reloaded page registers /sw.js again, which to the browser is one more new version here: so whether
      // the notice shows again says nothing about a real update, where the URL stays the same.)
    }
  }

  static boolean isStaticShell(String path) {
    return path.equals("/") || path.equals("/index.html") || path.equals("/manifest.webmanifest")
        || path.matches("/(css/[\\w-]+\\.css|js/[\\w/.-]+\\.m?js|icons/[\\w-]+\\.(png|svg))");
  }
}

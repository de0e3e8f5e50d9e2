package chat.sotto.browser;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What a browser put on the wire, from Chrome's network events: each request's URL (without the fragment, which is
 * never sent), every header, every body, each WebSocket's URL and handshake headers, and every frame it sent.
 */
record SentTraffic(List<Item> items) {
  /** One thing sent: what kind it is, where it went, and its text. */
  record Item(String kind, String where, String text) {
    @Override
    public String toString() {
      return kind + " " + where + ": " + text;
    }
  }

  static SentTraffic of(List<JsonObject> networkEvents) {
    List<Item> items = new ArrayList<>();
    for (JsonObject event : networkEvents) {
      JsonObject params = event.getJsonObject("params");
      switch (event.getString("method")) {
        case "Network.requestWillBeSent" -> {
          JsonObject request = params.getJsonObject("request");
          String url = request.getString("url");
          items.add(new Item("url", request.getString("method"), url));
          headers(items, url, request.getJsonObject("headers"));
          if (request.containsKey("postData")) {
            items.add(new Item("body", url, request.getString("postData")));
          } else if (request.containsKey("postDataEntries")) {
            StringBuilder body = new StringBuilder();
            for (JsonValue entry : request.getJsonArray("postDataEntries")) {
              byte[] bytes = Base64.getDecoder().decode(entry.asJsonObject().getString("bytes", ""));
              body.append(new String(bytes, StandardCharsets.UTF_8));
            }
            items.add(new Item("body", url, body.toString()));
          }
        }
        case "Network.requestWillBeSentExtraInfo" -> headers(items, "request " + params.getString("requestId"),
            params.getJsonObject("headers"));
        case "Network.webSocketCreated" -> items.add(new Item("url", "websocket", params.getString("url")));
        case "Network.webSocketWillSendHandshakeRequest" -> headers(items, "websocket handshake",
            params.getJsonObject("request").getJsonObject("headers"));
        case "Network.webSocketFrameSent" -> items.add(new Item("ws-frame", "websocket",
            params.getJsonObject("response").getString("payloadData")));
        default -> {
          // Responses and received frames are not sent by the browser.
        }
      }
    }
    return new SentTraffic(List.copyOf(items));
  }

  private static void headers(List<Item> items, String where, JsonObject headers) {
    headers.forEach((name, value) -> items.add(new Item("header", where, name + ": " + text(value))));
  }

  static String text(JsonValue value) {
    return value instanceof JsonString s ? s.getString() : value.toString();
  }

  /** The items in which the secret shows, in any of its spellings. */
  List<Item> containing(Secret secret) {
    return items.stream().filter(i -> secret.foundIn(i.text())).toList();
  }

  /** The text of every WebSocket frame sent. */
  List<String> frames() {
    return items.stream().filter(i -> i.kind().equals("ws-frame")).map(Item::text).toList();
  }

  /** The bodies sent to URLs ending with this path. */
  List<String> bodiesTo(String pathSuffix) {
    return items.stream()
        .filter(i -> i.kind().equals("body") && i.where().endsWith(pathSuffix))
        .map(Item::text)
        .toList();
  }

  /** Every request URL (documents, scripts, styles, API calls, WebSockets). */
  List<String> urls() {
    return items.stream().filter(i -> i.kind().equals("url")).map(Item::text).toList();
  }
}

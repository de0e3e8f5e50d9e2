package chat.sotto.call;

import chat.sotto.common.JsonBuilders;
import chat.sotto.session.Participant;
import chat.sotto.session.SessionStore;
import chat.sotto.session.SessionToken;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.List;

/**
 * {@code GET /api/ice}: the ICE servers a member's browser may use for calls, with fresh TURN credentials. Without
 * TURN configured the list has no relay and {@code "relay": false}, so the page can say so. Only a live session may
 * ask (a deleted room's sessions are gone: 401), and only a few times a minute ({@link IceRequests}).
 */
@Path("ice")
@RequestScoped
public class IceResource {
  @Inject SessionStore sessions;
  @Inject TurnSettings settings;
  @Inject IceRequests requests;
  @Inject Clock clock;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public String iceServers(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    Participant who = sessions.authenticate(SessionToken.fromAuthorization(authorization));
    who.requireAdmitted();
    requests.admit(who.id());
    JsonArrayBuilder servers = JsonBuilders.array();
    List<String> stun = settings.stunUrls();
    if (!stun.isEmpty()) {
      servers.add(JsonBuilders.object().add("urls", array(stun)));
    }
    boolean relay = settings.turnConfigured();
    JsonObjectBuilder body = JsonBuilders.object();
    if (relay) {
      TurnCredentials c = TurnCredentials.issue(settings.secret(), clock.millis() / 1000, settings.ttlSeconds());
      servers.add(
          JsonBuilders.object()
              .add("urls", array(settings.turnUrls()))
              .add("username", c.username())
              .add("credential", c.credential()));
      // The lifetime as well as the expiry: the browser schedules its refresh on its own clock, which may be off.
      body.add("expiresAt", c.expiresAt()).add("ttl", settings.ttlSeconds());
    }
    return body.add("iceServers", servers)
        .add("relay", relay)
        .add("maxParticipants", settings.maxParticipants())
        .build()
        .toString();
  }

  private static JsonArrayBuilder array(List<String> values) {
    JsonArrayBuilder a = JsonBuilders.array();
    values.forEach(a::add);
    return a;
  }
}

package chat.sotto.bench.stackfloor;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The stack floor's REST resource. */
@Path("ping")
public class PingResource {
  @Inject private Greeting greeting;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public JsonObject ping() {
    return Json.createObjectBuilder().add("note", greeting.text()).build();
  }
}

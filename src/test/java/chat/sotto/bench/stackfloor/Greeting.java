package chat.sotto.bench.stackfloor;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A CDI bean between the REST resource and the EJB, as Sotto's services sit between its endpoints and storage. */
@ApplicationScoped
public class Greeting {
  @Inject private Startup startup;

  String text() {
    return startup.firstNote();
  }
}

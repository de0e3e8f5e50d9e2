package chat.sotto.bench.stackfloor;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The stack floor's REST application. */
@ApplicationPath("/api")
public class StackFloorApplication extends Application {}

package chat.sotto.metrics;

import chat.sotto.common.JsonError;
import chat.sotto.common.Reason;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code GET /metrics}: this node's metrics in the Prometheus text format, for the operator's bearer secret only
 * ({@link MetricsAccess}). A plain servlet rather than a MicroProfile Metrics feature, which would lengthen every
 * start. Loaded at start, so that a secret too short is reported then.
 */
@WebServlet(urlPatterns = "/metrics", loadOnStartup = 1)
public class MetricsServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = Logger.getLogger(MetricsServlet.class.getName());

  @Inject
  @ConfigProperty(name = "sotto.metrics.token")
  Optional<String> secret;

  @Inject RelayMetrics metrics;
  @Inject @Any Instance<GaugeSource> gauges;

  private transient MetricsAccess access;

  @Override
  public void init() {
    access = MetricsAccess.of(secret);
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    switch (access.decide(request.getHeader("Authorization"))) {
      case HIDDEN -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
      case UNAUTHORIZED -> {
        response.setHeader("WWW-Authenticate", "Bearer");
        JsonError.write(response, 401, "unauthorized", "A valid metrics token is required.");
      }
      case ALLOWED -> scrape(request, response);
    }
  }

  private void scrape(HttpServletRequest request, HttpServletResponse response) throws IOException {
    boolean head = "HEAD".equals(request.getMethod());
    if (!head && !"GET".equals(request.getMethod())) {
      response.setHeader("Allow", "GET, HEAD");
      JsonError.write(response, 405, "method_not_allowed", "This method is not allowed here.");
      return;
    }
    byte[] body;
    try {
      PrometheusText text = new PrometheusText();
      metrics.writeTo(text, readings());
      body = text.toString().getBytes(StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not read the metrics: {0}", e.getClass().getName());
      JsonError.write(response, Reason.INTERNAL);
      return;
    }
    response.setStatus(200);
    response.setContentType(PrometheusText.CONTENT_TYPE);
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(body.length);
    if (!head) {
      response.getOutputStream().write(body);
    }
  }

  private Map<Gauge, Long> readings() {
    Map<Gauge, Long> all = new EnumMap<>(Gauge.class);
    for (GaugeSource source : gauges) {
      source.readings().forEach((g, v) -> all.merge(g, v, Long::sum));
    }
    return all;
  }
}

package chat.sotto.admission;

import chat.sotto.admission.ClientLimiter.Action;
import chat.sotto.common.Refusal;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;

/**
 * The edge's question "may this client do that now?". The client's address is read from the request, hashed at once
 * and dropped: only the {@link ClientKey} reaches the limiter's memory.
 */
@ApplicationScoped
public class Admission {
  @Inject AdmissionSettings settings;

  private TrustedProxies trusted;
  private ClientKeys keys;
  private ClientLimiter<ClientKey> limiter;

  @PostConstruct
  void start() {
    trusted = settings.trustedProxies();
    keys = ClientKeys.withRandomSecret();
    limiter = new ClientLimiter<>(settings.limits(), settings.maxClients(), () -> System.nanoTime() / 1_000_000);
  }

  /** Admits the request's client for {@code action} or throws a rate-limited refusal. */
  public void admit(HttpServletRequest request, Action action) {
    long retry = tryAdmit(request, action);
    if (retry > 0) {
      throw Refusal.rateLimited(retry);
    }
  }

  /** 0 if admitted (and counted), else the milliseconds after which the client may try again. */
  public long tryAdmit(HttpServletRequest request, Action action) {
    List<String> forwarded = Collections.list(request.getHeaders("X-Forwarded-For"));
    return limiter.tryAcquire(keys.of(ClientAddress.resolve(request.getRemoteAddr(), forwarded, trusted)), action);
  }
}

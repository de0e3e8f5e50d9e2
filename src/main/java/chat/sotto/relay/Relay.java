package chat.sotto.relay;

import chat.sotto.common.Failures;
import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.common.Transactions;
import chat.sotto.message.Envelope;
import chat.sotto.message.MessageStore;
import chat.sotto.message.MessageWriter;
import chat.sotto.message.Stored;
import chat.sotto.message.StoredMessage;
import chat.sotto.metrics.Edge;
import chat.sotto.metrics.RelayMetrics;
import chat.sotto.room.MemberAdmitted;
import chat.sotto.room.MemberLeft;
import chat.sotto.room.MemberRemoved;
import chat.sotto.room.OwnerChanged;
import chat.sotto.room.Room;
import chat.sotto.room.RoomAccessChanged;
import chat.sotto.room.RoomDeleted;
import chat.sotto.room.RoomId;
import chat.sotto.room.RoomService;
import chat.sotto.session.Participant;
import chat.sotto.session.SessionStore;
import chat.sotto.limits.Limit;
import chat.sotto.message.MessageSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What the relay does with each connection and frame; the endpoint only hands frames over. */
@ApplicationScoped
public class Relay {
  private static final Logger LOG = Logger.getLogger(Relay.class.getName());
  /**
   * How fast a connection may have chat messages refused for their rate before it is closed: a client that waits as
   * told never gets near it; one that ignores the wait would otherwise keep the node parsing what it cannot admit.
   */
  static final Limit REFUSALS = Limit.perSecond(10, 50);
  private static final String MEMBER = "sotto.member";
  private static final String AUTH_TIMEOUT = "sotto.auth-timeout";
  private static final int REPLAY_PAGE = 200;
  /** The replay waits until its client has room for this many of the largest frames before reading again. */
  private static final int REPLAY_PAGE_MIN = 4;
  /** How long a client waits before resending a frame the node could not take. */
  private static final long RETRY_MILLIS = 1_000;
  private static final long TYPING_GAP_MILLIS = 1_000;
  private static final long PROFILE_GAP_MILLIS = 1_000;

  @Inject SessionStore sessions;
  @Inject Transactions tx;
  @Inject MessageStore messages;
  @Inject MessageWriter writer;
  @Inject RoomService rooms;
  @Inject LocalRooms local;
  @Inject RoomBus bus;
  @Inject PresenceUpdates presence;
  @Inject RelaySettings settings;
  @Inject MessageSettings messageSettings;
  @Inject Clock clock;
  @Inject StuckWrites stuckWrites;
  @Inject RelayMetrics metrics;

  @Resource ManagedScheduledExecutorService scheduler;
  @Resource ManagedThreadFactory threads;

  private final MemoryBucket authAttempts = new MemoryBucket();
  private Limit authLimit;
  private ChatRates chatRates;
  // Continues replays once their clients have drained enough (see #replay): a few threads that read the database,
  // never the threads that report completed writes.
  private ExecutorService replays;
  private ScheduledFuture<?> watchdog;

  @PostConstruct
  void start() {
    authLimit = settings.authLimit();
    chatRates =
        new ChatRates(
            messageSettings.perSession(),
            messageSettings.perRoom(),
            messageSettings.sessionKibibytes(),
            messageSettings.roomKibibytes());
    replays = Executors.newFixedThreadPool(2, threads);
    watchdog = scheduler.scheduleWithFixedDelay(this::giveUpStuckWrites, 1, 1, TimeUnit.SECONDS);
  }

  @PreDestroy
  void stop() {
    replays.shutdownNow();
    watchdog.cancel(false);
  }

  void opened(Session socket) {
    socket.setMaxIdleTimeout(settings.idleTimeoutMillis());
    socket.getAsyncRemote().setSendTimeout(settings.sendTimeoutMillis());
    socket.setMaxTextMessageBufferSize(Frames.MAX_FRAME_BYTES);
    socket.setMaxBinaryMessageBufferSize(1024);
    ScheduledFuture<?> timeout = scheduler.schedule(
        () -> {
          if (socket.isOpen() && member(socket) == null) {
            close(socket, CloseCode.AUTH_TIMEOUT);
          }
        },
        settings.authTimeoutMillis(),
        TimeUnit.MILLISECONDS);
    socket.getUserProperties().put(AUTH_TIMEOUT, timeout);
  }

  void received(Session socket, String text) {
    if (text.length() > Frames.MAX_FRAME_BYTES) {
      close(socket, CloseCode.FRAME_TOO_BIG);
      return;
    }
    Member m = member(socket);
    Inbound frame;
    try {
      frame = Frames.decode(text);
    } catch (FrameError e) {
      if (m == null) {
        close(socket, CloseCode.AUTH_FIRST);
      } else {
        m.send(Frames.error(e.error()));
      }
      return;
    }
    if (m == null) {
      if (frame instanceof Inbound.Auth auth) {
        authenticate(socket, auth);
      } else {
        close(socket, CloseCode.AUTH_FIRST);
      }
      return;
    }
    if (!m.admitted) {
      knocking(m, frame);
      return;
    }
    if (frame instanceof Inbound.Chat c) {
      chat(m, c.envelope());
    } else if (frame instanceof Inbound.Profile p) {
      profile(m, p.envelope());
    } else if (frame instanceof Inbound.Signal s) {
      signal(m, s);
    } else if (frame instanceof Inbound.Typing) {
      if (m.typingAllowed(clock.millis(), TYPING_GAP_MILLIS)) {
        bus.publish(RoomEvent.others(m.roomId, m.sessionId, Frames.typing(m.sessionId)));
      }
    } else if (frame instanceof Inbound.Ping) {
      m.send(Frames.PONG);
    } else if (frame instanceof Inbound.Knock) {
      m.send(Frames.error(ErrorCode.UNKNOWN_TYPE)); // only a session that waits to be admitted knocks
    } else {
      m.send(Frames.error(ErrorCode.ALREADY_AUTHENTICATED));
    }
  }

  // A knocking session may only knock and keep its connection alive.
  private void knocking(Member m, Inbound frame) {
    if (frame instanceof Inbound.Knock k) {
      knock(m, k.envelope());
    } else if (frame instanceof Inbound.Ping) {
      m.send(Frames.PONG);
    } else {
      m.send(Frames.error(ErrorCode.NOT_ADMITTED));
    }
  }

  void binary(Session socket) {
    close(socket, CloseCode.BINARY_FRAME);
  }

  void closed(Session socket) {
    cancelAuthTimeout(socket);
    Member m = member(socket);
    if (m == null) {
      return;
    }
    m.markClosed();
    depart(m);
  }

  // The send timeout (see StuckWrites): the room sees the connection leave at once, then its TCP connection ends.
  private void giveUpStuckWrites() {
    try {
      for (Member m : stuckWrites.giveUp()) {
        depart(m);
        StuckWrites.abort(m.socket);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not give up stuck connections: {0}", e.getClass().getName());
    }
  }

  // Idempotent: a connection given up by the watchdog departs again when Liberty reports its close.
  private void depart(Member m) {
    local.remove(m);
    if (!m.admitted) {
      return; // never in anyone's presence
    }
    try {
      presence.changed(m.roomId);
      if (m.owner() && !bus.online(m.roomId).contains(m.sessionId)) {
        rooms.ownerAway(m.roomId);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not record a departure: {0}", e.getClass().getName());
    }
  }

  void roomDeleted(@Observes(during = TransactionPhase.AFTER_SUCCESS) RoomDeleted event) {
    bus.publish(RoomEvent.gone(event.roomId()));
  }

  void memberLeft(@Observes(during = TransactionPhase.AFTER_SUCCESS) MemberLeft event) {
    bus.publish(RoomEvent.sessionEnded(event.roomId(), event.sessionId()));
    bus.publish(RoomEvent.broadcast(event.roomId(), Frames.left(event.sessionId())));
  }

  void memberAdmitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) MemberAdmitted event) {
    bus.publish(RoomEvent.admitted(event.roomId(), event.sessionId()));
  }

  void memberRemoved(@Observes(during = TransactionPhase.AFTER_SUCCESS) MemberRemoved event) {
    bus.publish(RoomEvent.removed(event.roomId(), event.sessionId()));
    bus.publish(RoomEvent.broadcast(event.roomId(), Frames.removed(event.sessionId())));
  }

  void accessChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) RoomAccessChanged event) {
    bus.publish(RoomEvent.broadcast(event.roomId(), Frames.room(event.access())));
  }

  /**
   * The room has a new owner: every node learns it (the owner's grace clock and knocks follow the new owner), the new
   * owner gets the knocks that wait, and the grace clock that the hand-over started stops if the new owner is online.
   */
  void ownerChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) OwnerChanged event) {
    RoomId roomId = event.roomId();
    bus.publish(RoomEvent.owner(roomId, event.ownerId()));
    try {
      for (Participant p : sessions.inRoom(roomId)) {
        if (!p.admitted() && p.hasProfile()) {
          bus.publish(RoomEvent.toOwner(roomId, Frames.knock(p)));
        }
      }
      if (bus.online(roomId).contains(event.ownerId())) {
        rooms.ownerPresent(roomId);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not complete a hand-over: {0}", e.getClass().getName());
    }
  }

  private void authenticate(Session socket, Inbound.Auth auth) {
    // One token check per connection (a failed one closes it), and a bounded number per second on this node, so
    // that a guessing loop is slow and costs the database little.
    if (authAttempts.take(authLimit, clock.millis()) > 0) {
      close(socket, CloseCode.AUTH_BUSY);
      return;
    }
    Admitted a;
    try {
      // One transaction for the token, the room and the sender's highest counter.
      a =
          tx.required(
              () -> {
                Participant p = sessions.authenticate(auth.token());
                Room room = rooms.find(p.roomId());
                long max = room == null ? 0 : Math.max(p.maxCounter(), messages.highestCounter(p.roomId(), p.id()));
                return new Admitted(p, room, max);
              });
    } catch (Refusal r) {
      close(socket, CloseCode.AUTH_FAILED);
      return;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "authentication unavailable: {0}", e.getClass().getName());
      close(socket, CloseCode.UNAVAILABLE);
      return;
    }
    if (a.room() == null) {
      close(socket, CloseCode.ROOM_GONE);
      return;
    }
    if (!bus.available()) {
      close(socket, CloseCode.UNAVAILABLE);
      return;
    }
    cancelAuthTimeout(socket);
    Participant p = a.participant();
    Member m = new Member(socket, p, auth.since(), a.maxCounter(), settings.maxQueuedBytes(), metrics);
    if (!local.add(m, settings.maxConnectionsPerSession())) {
      close(socket, CloseCode.TOO_MANY_CONNECTIONS);
      return;
    }
    socket.getUserProperties().put(MEMBER, m);
    if (!p.admitted()) {
      waitForOwner(m);
      return;
    }
    long latest;
    int dropsBeforeWelcome = m.heldDrops();
    try {
      // Read after the member is local (a message stored from now on reaches it live), in one transaction.
      long[] seqs = new long[1];
      String welcome =
          tx.required(
              () -> {
                seqs[0] = rooms.latestSeq(p.roomId());
                long oldest = messages.oldestSeq(p.roomId());
                List<Participant> members = sessions.inRoom(p.roomId());
                return Frames.welcome(
                    p,
                    a.maxCounter(),
                    a.room().ownerSessionId(),
                    a.room().access(),
                    seqs[0],
                    oldest == 0 ? seqs[0] + 1 : oldest,
                    members);
              });
      latest = seqs[0];
      m.send(welcome);
      // Presence first (the cluster's online set now holds this session), then the owner's grace clock stops.
      presence.changed(p.roomId());
      if (p.owner()) {
        rooms.ownerPresent(p.roomId());
      }
    } catch (RuntimeException e) {
      local.remove(m);
      LOG.log(Level.WARNING, "could not resume a connection: {0}", e.getClass().getName());
      m.closeNow(CloseCode.UNAVAILABLE);
      return;
    }
    // A client that already holds everything the welcome counted (a newcomer to an empty room, a quick reconnect)
    // has nothing to read: the welcome's read is the replay's, and what came after it is held live.
    if (m.replayedUpTo() >= latest && m.replayDone(dropsBeforeWelcome)) {
      return;
    }
    replay(m);
  }

  /**
   * A knocking session's connection waits for the owner. Admission or refusal reaches it as a room event from now on;
   * one that came between the token check and this connection's joining the room is read here, so none is missed.
   */
  private void waitForOwner(Member m) {
    m.send(Frames.waiting(m.sessionId));
    try {
      Boolean admitted = sessions.admitted(m.sessionId);
      if (admitted == null) {
        local.remove(m);
        m.closeAfterDrain(CloseCode.REMOVED);
      } else if (admitted) {
        local.remove(m);
        m.send(Frames.ADMITTED);
        m.closeAfterDrain(CloseCode.ADMITTED);
      }
    } catch (RuntimeException e) {
      local.remove(m);
      LOG.log(Level.WARNING, "could not check an admission: {0}", e.getClass().getName());
      m.closeNow(CloseCode.UNAVAILABLE);
    }
  }

  /**
   * Sends the stored messages the client misses, page by page as it drains them: a page is read only when the
   * connection has room for it (half its byte budget, counting every page at the largest frame size), so neither a
   * slow client nor many sockets replaying at once make the node hold a room's history. When there is no room, the
   * replay goes on from a replay thread once the client has read enough; a client that stops reading is closed by the
   * send timeout and its replay just ends.
   */
  private void replay(Member m) {
    try {
      for (; ; ) {
        if (m.closed()) {
          return;
        }
        int pageSize = Math.min(REPLAY_PAGE, m.replayRoom() / Frames.MAX_MESSAGE_FRAME_CHARS);
        if (pageSize == 0) {
          int want = REPLAY_PAGE_MIN * Frames.MAX_MESSAGE_FRAME_CHARS;
          if (m.whenReplayRoom(want, () -> continueReplay(m))) {
            return;
          }
          continue;
        }
        int drops = m.heldDrops();
        List<StoredMessage> page = messages.after(m.roomId, m.replayedUpTo(), pageSize);
        for (StoredMessage s : page) {
          m.sendReplayed(s.seq(), Frames.message(s));
        }
        metrics.delivered(page.size());
        if (page.size() < pageSize && m.replayDone(drops)) {
          return;
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not replay history: {0}", e.getClass().getName());
      m.closeNow(CloseCode.UNAVAILABLE);
    }
  }

  private void continueReplay(Member m) {
    try {
      replays.execute(() -> replay(m));
    } catch (RejectedExecutionException e) {
      m.closeNow(CloseCode.UNAVAILABLE); // the application is stopping
    }
  }

  private void chat(Member m, Envelope envelope) {
    if (!bus.available()) {
      m.send(Frames.envelopeError(ErrorCode.UNAVAILABLE, envelope.counter(), RETRY_MILLIS));
      return;
    }
    // Admission in memory before the node's shared writer queue: no session or room can fill it. The database limit
    // (the same rates) stays the authority across nodes.
    long wait = local.admit(m, clock.millis(), envelope.storedBytes(), chatRates);
    if (wait > 0) {
      metrics.refused(Edge.WEBSOCKET, Reason.RATE_LIMITED);
      if (m.refusedTooOften(REFUSALS, clock.millis())) {
        m.closeNow(CloseCode.RATE_LIMIT_IGNORED);
      } else {
        m.send(Frames.envelopeError(ErrorCode.RATE_LIMITED, envelope.counter(), wait));
      }
      return;
    }
    boolean mayRepeat = m.mayRepeat(envelope.counter());
    writer.submit(
        m.roomId,
        m.sessionId,
        envelope,
        mayRepeat,
        new MessageWriter.Outcome() {
          @Override
          public void stored(Stored stored) {
            StoredMessage s = stored.message();
            m.send(Frames.ack(envelope.counter(), s.seq()));
            if (!stored.duplicate()) {
              bus.publish(RoomEvent.message(m.roomId, s.seq(), Frames.message(s)));
            }
          }

          @Override
          public void refused(Refusal refusal) {
            refuse(m, envelope, refusal);
          }

          @Override
          public void failed(RuntimeException error) {
            unavailable(m, envelope, error);
          }
        });
  }

  // Signaling goes to one member who must be online in the same room; it is relayed as is and never stored.
  private void signal(Member m, Inbound.Signal s) {
    Envelope e = s.envelope();
    if (!m.signalAllowed(clock.millis())) {
      m.send(Frames.envelopeError(ErrorCode.RATE_LIMITED, e.counter(), RETRY_MILLIS));
      return;
    }
    if (s.to().equals(m.sessionId) || !bus.online(m.roomId).contains(s.to())) {
      m.send(Frames.envelopeError(ErrorCode.NOT_IN_ROOM, e.counter(), 0));
      return;
    }
    bus.publish(RoomEvent.one(m.roomId, s.to(), Frames.signal(m.sessionId, s.to(), e)));
  }

  private void profile(Member m, Envelope envelope) {
    if (envelope.ciphertextBytes() > Frames.MAX_PROFILE_BYTES) {
      m.send(Frames.envelopeError(ErrorCode.TOO_LARGE, envelope.counter(), 0));
      return;
    }
    if (!m.profileAllowed(clock.millis(), PROFILE_GAP_MILLIS)) {
      m.send(Frames.envelopeError(ErrorCode.RATE_LIMITED, envelope.counter(), PROFILE_GAP_MILLIS));
      return;
    }
    try {
      if (sessions.updateProfile(m.sessionId, envelope.counter(), envelope.iv(), envelope.ciphertext())) {
        bus.publish(RoomEvent.broadcast(m.roomId, Frames.profile(m.sessionId, envelope)));
      }
    } catch (RuntimeException e) {
      unavailable(m, envelope, e);
    }
  }

  // A knock is kept on the session like a profile (so the owner's next welcome lists it) and goes to the owner only.
  private void knock(Member m, Envelope envelope) {
    if (!m.profileAllowed(clock.millis(), PROFILE_GAP_MILLIS)) {
      m.send(Frames.envelopeError(ErrorCode.RATE_LIMITED, envelope.counter(), PROFILE_GAP_MILLIS));
      return;
    }
    try {
      if (sessions.updateProfile(m.sessionId, envelope.counter(), envelope.iv(), envelope.ciphertext())) {
        bus.publish(RoomEvent.toOwner(m.roomId, Frames.knock(m.sessionId, envelope)));
      }
    } catch (RuntimeException e) {
      unavailable(m, envelope, e);
    }
  }

  private void unavailable(Member m, Envelope envelope, RuntimeException e) {
    if (!(e instanceof MessageWriter.Busy)) {
      boolean database = Failures.fromDatabase(e);
      LOG.log(Level.WARNING, "could not store an envelope: {0}", database ? "database error" : e.getClass().getName());
    }
    m.send(Frames.envelopeError(ErrorCode.UNAVAILABLE, envelope.counter(), RETRY_MILLIS));
  }

  private void refuse(Member m, Envelope envelope, Refusal refusal) {
    metrics.refused(Edge.WEBSOCKET, refusal.reason());
    if (refusal.reason() == Reason.ROOM_NOT_FOUND) {
      m.send(Frames.GONE);
      m.closeAfterDrain(CloseCode.ROOM_GONE);
      return;
    }
    ErrorCode error = ErrorCode.of(refusal.reason());
    long retry = refusal.retryAfterMillis();
    if (error == ErrorCode.UNAVAILABLE) {
      retry = Math.max(RETRY_MILLIS, retry);
    }
    m.send(Frames.envelopeError(error, envelope.counter(), retry));
  }

  private static void cancelAuthTimeout(Session socket) {
    if (socket.getUserProperties().remove(AUTH_TIMEOUT) instanceof ScheduledFuture<?> f) {
      f.cancel(false);
    }
  }

  private static Member member(Session socket) {
    return (Member) socket.getUserProperties().get(MEMBER);
  }

  private void close(Session socket, CloseCode code) {
    metrics.closed(code.code(), code);
    try {
      socket.close(code.reason());
    } catch (IOException | RuntimeException e) {
      // the peer is already gone
    }
  }

  /** What one authentication read: the session, its room (null when gone) and the sender's highest counter. */
  private record Admitted(Participant participant, Room room, long maxCounter) {}
}

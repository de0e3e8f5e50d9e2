package chat.sotto.relay;

import chat.sotto.common.Failures;
import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.message.Envelope;
import chat.sotto.message.MessageStore;
import chat.sotto.message.MessageWriter;
import chat.sotto.message.Stored;
import chat.sotto.message.StoredMessage;
import chat.sotto.room.MemberLeft;
import chat.sotto.room.Room;
import chat.sotto.room.RoomDeleted;
import chat.sotto.room.RoomService;
import chat.sotto.session.Participant;
import chat.sotto.session.SessionStore;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What the relay does with each connection and frame; the endpoint only hands frames over. */
@ApplicationScoped
public class Relay {
  private static final Logger LOG = Logger.getLogger(Relay.class.getName());
  private static final String MEMBER = "sotto.member";
  private static final String AUTH_TIMEOUT = "sotto.auth-timeout";
  private static final int REPLAY_PAGE = 200;
  private static final long TYPING_GAP_MILLIS = 1_000;
  private static final long PROFILE_GAP_MILLIS = 1_000;

  @Inject SessionStore sessions;
  @Inject MessageStore messages;
  @Inject MessageWriter writer;
  @Inject RoomService rooms;
  @Inject LocalRooms local;
  @Inject RoomBus bus;
  @Inject PresenceUpdates presence;
  @Inject RelaySettings settings;
  @Inject Clock clock;

  @Resource ManagedScheduledExecutorService scheduler;

  void opened(Session socket) {
    socket.setMaxIdleTimeout(settings.idleTimeoutMillis());
    socket.getAsyncRemote().setSendTimeout(settings.sendTimeoutMillis());
    socket.setMaxTextMessageBufferSize(Frames.MAX_FRAME_BYTES);
    socket.setMaxBinaryMessageBufferSize(1024);
    ScheduledFuture<?> timeout = scheduler.schedule(
        () -> {
          if (socket.isOpen() && member(socket) == null) {
            close(socket, CloseCodes.VIOLATED_POLICY, "authentication timeout");
          }
        },
        settings.authTimeoutMillis(),
        TimeUnit.MILLISECONDS);
    socket.getUserProperties().put(AUTH_TIMEOUT, timeout);
  }

  void received(Session socket, String text) {
    if (text.length() > Frames.MAX_FRAME_BYTES) {
      close(socket, CloseCodes.TOO_BIG, "frame too large");
      return;
    }
    Member m = member(socket);
    Inbound frame;
    try {
      frame = Frames.decode(text);
    } catch (FrameError e) {
      if (m == null) {
        close(socket, CloseCodes.VIOLATED_POLICY, "authenticate first");
      } else {
        m.send(Frames.error(e.code(), describe(e.code())));
      }
      return;
    }
    if (m == null) {
      if (frame instanceof Inbound.Auth auth) {
        authenticate(socket, auth);
      } else {
        close(socket, CloseCodes.VIOLATED_POLICY, "authenticate first");
      }
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
    } else {
      m.send(Frames.error("bad_frame", "Already authenticated."));
    }
  }

  void binary(Session socket) {
    close(socket, CloseCodes.CANNOT_ACCEPT, "text frames only");
  }

  void closed(Session socket) {
    cancelAuthTimeout(socket);
    Member m = member(socket);
    if (m == null) {
      return;
    }
    m.markClosed();
    local.remove(m);
    try {
      presence.changed(m.roomId);
      if (m.owner && !bus.online(m.roomId).contains(m.sessionId)) {
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

  private void authenticate(Session socket, Inbound.Auth auth) {
    Participant p;
    Room room;
    try {
      p = sessions.authenticate(auth.token());
      room = rooms.find(p.roomId());
    } catch (Refusal r) {
      close(socket, CloseCodes.VIOLATED_POLICY, "authentication failed");
      return;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "authentication unavailable: {0}", e.getClass().getName());
      close(socket, CloseCodes.TRY_AGAIN_LATER, "unavailable");
      return;
    }
    if (room == null) {
      close(socket, CloseCodes.getCloseCode(LocalRooms.CLOSE_ROOM_GONE), "room deleted");
      return;
    }
    if (!bus.available()) {
      close(socket, CloseCodes.TRY_AGAIN_LATER, "unavailable");
      return;
    }
    cancelAuthTimeout(socket);
    long maxCounter;
    try {
      maxCounter = Math.max(p.maxCounter(), messages.highestCounter(p.roomId(), p.id()));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "authentication unavailable: {0}", e.getClass().getName());
      close(socket, CloseCodes.TRY_AGAIN_LATER, "unavailable");
      return;
    }
    Member m = new Member(socket, p, auth.since(), maxCounter, settings.maxQueuedFrames());
    socket.getUserProperties().put(MEMBER, m);
    local.add(m);
    try {
      long latest = rooms.latestSeq(p.roomId());
      long oldest = messages.oldestSeq(p.roomId());
      List<Participant> members = sessions.inRoom(p.roomId());
      m.send(Frames.welcome(p, maxCounter, room.ownerSessionId(), latest, oldest == 0 ? latest + 1 : oldest, members));
      // Presence first (the cluster's online set now holds this session), then the owner's grace clock stops.
      presence.changed(p.roomId());
      if (p.owner()) {
        rooms.ownerPresent(p.roomId());
      }
      replay(m, auth.since());
    } catch (RuntimeException e) {
      local.remove(m);
      LOG.log(Level.WARNING, "could not resume a connection: {0}", e.getClass().getName());
      close(socket, CloseCodes.TRY_AGAIN_LATER, "unavailable");
      return;
    } finally {
      m.replayDone();
    }
  }

  private void replay(Member m, long since) {
    long after = since;
    for (; ; ) {
      List<StoredMessage> page = messages.after(m.roomId, after, REPLAY_PAGE);
      for (StoredMessage s : page) {
        m.sendReplayed(s.seq(), Frames.message(s));
        after = s.seq();
      }
      if (page.size() < REPLAY_PAGE) {
        return;
      }
    }
  }

  private void chat(Member m, Envelope envelope) {
    if (!bus.available()) {
      m.send(Frames.envelopeError("unavailable", "Not stored; try again.", envelope.counter(), 1000));
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
      m.send(Frames.envelopeError("rate_limited", describe("rate_limited"), e.counter(), 1000));
      return;
    }
    if (s.to().equals(m.sessionId) || !bus.online(m.roomId).contains(s.to())) {
      m.send(Frames.envelopeError("not_in_room", "That participant is not in this room.", e.counter(), 0));
      return;
    }
    bus.publish(RoomEvent.one(m.roomId, s.to(), Frames.signal(m.sessionId, s.to(), e)));
  }

  private void profile(Member m, Envelope envelope) {
    if (envelope.ciphertextBytes() > Frames.MAX_PROFILE_BYTES) {
      m.send(Frames.envelopeError("too_large", describe("too_large"), envelope.counter(), 0));
      return;
    }
    if (!m.profileAllowed(clock.millis(), PROFILE_GAP_MILLIS)) {
      m.send(Frames.envelopeError("rate_limited", describe("rate_limited"), envelope.counter(), PROFILE_GAP_MILLIS));
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

  private void unavailable(Member m, Envelope envelope, RuntimeException e) {
    if (!(e instanceof MessageWriter.Busy)) {
      boolean database = Failures.fromDatabase(e);
      LOG.log(Level.WARNING, "could not store an envelope: {0}", database ? "database error" : e.getClass().getName());
    }
    m.send(Frames.envelopeError("unavailable", "Not stored; try again.", envelope.counter(), 1000));
  }

  private void refuse(Member m, Envelope envelope, Refusal refusal) {
    if (refusal.reason() == Reason.ROOM_NOT_FOUND) {
      m.send(Frames.GONE);
      m.closeAfterDrain(LocalRooms.CLOSE_ROOM_GONE, "room deleted");
      return;
    }
    m.send(
        Frames.envelopeError(
            refusal.reason().code(), refusal.reason().message(), envelope.counter(), refusal.retryAfterMillis()));
  }

  private static String describe(String code) {
    return switch (code) {
      case "unknown_type" -> "Unknown frame type.";
      case "too_large" -> "The frame is too large.";
      case "rate_limited" -> "Too many frames; slow down.";
      default -> "The frame is malformed.";
    };
  }

  private static void cancelAuthTimeout(Session socket) {
    if (socket.getUserProperties().remove(AUTH_TIMEOUT) instanceof ScheduledFuture<?> f) {
      f.cancel(false);
    }
  }

  private static Member member(Session socket) {
    return (Member) socket.getUserProperties().get(MEMBER);
  }

  private static void close(Session socket, CloseReason.CloseCode code, String phrase) {
    try {
      socket.close(new CloseReason(code, phrase));
    } catch (IOException | RuntimeException e) {
      // the peer is already gone
    }
  }
}

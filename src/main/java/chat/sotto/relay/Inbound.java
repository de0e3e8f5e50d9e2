package chat.sotto.relay;

import chat.sotto.message.Envelope;
import chat.sotto.session.SessionId;
import chat.sotto.session.SessionToken;

/** The frames a client may send, already validated. */
sealed interface Inbound {
  record Auth(SessionToken token, long since) implements Inbound {}

  record Chat(Envelope envelope) implements Inbound {}

  record Profile(Envelope envelope) implements Inbound {}

  /** A knocking session's encrypted knock (nickname and keys) for the owner. */
  record Knock(Envelope envelope) implements Inbound {}

  /** Call signaling for one member: encrypted, relayed, never stored. */
  record Signal(SessionId to, Envelope envelope) implements Inbound {}

  record Typing() implements Inbound {}

  record Ping() implements Inbound {}
}

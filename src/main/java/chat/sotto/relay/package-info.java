/**
 * The WebSocket relay: authenticates a connection by its first frame, validates every frame against the wire
 * protocol (docs/PROTOCOL.md), stores chat envelopes, and fans frames out to the room's members through a
 * {@link chat.sotto.relay.RoomBus}. Each frame is serialized once and the same text is queued to every member; a
 * member that cannot keep up is disconnected instead of slowing the others.
 */
package chat.sotto.relay;

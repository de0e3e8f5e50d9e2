/**
 * Fair admission per client, in memory: each client (a keyed hash of its address, never the address) gets its own
 * small budget of room creations, joins and WebSocket handshakes, so that one client cannot use up the
 * deployment-wide database buckets that everyone shares. The hash key is random per boot and never leaves memory.
 */
package chat.sotto.admission;

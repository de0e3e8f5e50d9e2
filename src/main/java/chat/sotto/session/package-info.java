/**
 * Anonymous per-room sessions: a random session ID and a secret bearer token, of which the database keeps only a
 * SHA-256 hash. Sessions are per room, so the server cannot link one browser's rooms.
 */
package chat.sotto.session;

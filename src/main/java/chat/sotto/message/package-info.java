/**
 * The ciphertext store: chat envelopes with their IV, sender session, sender counter and per-room sequence number.
 * The server cannot read them; it only orders, keeps and pages them.
 */
package chat.sotto.message;

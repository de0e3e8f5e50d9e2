package chat.sotto.message;

/** The outcome of storing an envelope: its sequence number, and whether it had been stored before (a resend). */
public record Stored(StoredMessage message, boolean duplicate) {}

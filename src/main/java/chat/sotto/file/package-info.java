/**
 * Encrypted files: the browser encrypts a file in chunks under a key of its own and announces it in a chat envelope;
 * the server keeps only the chunks' ciphertext (no name, no type, no key) and serves them to the room's members. A
 * room's files are capped (the oldest complete ones go first), rate limited, counted in the deployment's byte cap,
 * and deleted with the room in the same transaction as its messages; uploads left unfinished are deleted by the
 * housekeeping timer.
 */
package chat.sotto.file;

/**
 * Rate limits enforced by the database: each bucket is one row, and taking a token is one atomic conditional UPDATE,
 * so a limit holds however many nodes share the database. Also the global caps on what anonymous clients can make the
 * deployment keep (rooms, stored bytes), refused as {@code server_full}.
 */
package chat.sotto.limits;

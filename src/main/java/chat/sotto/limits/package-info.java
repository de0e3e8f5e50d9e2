/**
 * Rate limits enforced by the database: each bucket is one row, and taking a token is one atomic conditional UPDATE,
 * so a limit holds however many nodes share the database.
 */
package chat.sotto.limits;

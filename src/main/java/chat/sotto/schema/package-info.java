/**
 * The database schema, created and upgraded at start-up by the versioned scripts of {@code db/migration} (listed in
 * its {@code index}), on H2 and PostgreSQL alike. On PostgreSQL an advisory lock makes nodes that start together apply
 * each version once.
 */
package chat.sotto.schema;

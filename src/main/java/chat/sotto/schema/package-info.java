/**
 * The database schema, created and upgraded by versioned Flyway migrations ({@code db/migration}) at start-up, on H2
 * and PostgreSQL alike. Flyway's lock makes concurrent start-ups of several nodes apply each version once.
 */
package chat.sotto.schema;

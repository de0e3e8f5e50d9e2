/**
 * The start-up floor of Sotto's stack, for benchmarks only (packaged as {@code stackfloor.war} by the {@code bench}
 * profile; never in Sotto's WAR): one of each kind of component Sotto's start has to bring up, each doing the least it
 * can, on the same features, server configuration and data source. A JAX-RS resource that calls a CDI bean, a
 * WebSocket endpoint, a readiness check, a JPA entity in a JTA persistence unit, and a startup singleton EJB that
 * creates its table, stores a row and starts an interval timer. Liberty's "started in" with this application alone,
 * beside the figure with Sotto's, tells how much of a start the stack costs whatever the application does.
 */
package chat.sotto.bench.stackfloor;

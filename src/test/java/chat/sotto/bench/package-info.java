/**
 * Performance tooling: a load generator that speaks Sotto's real protocol (REST rooms and sessions, WebSocket
 * relay) against a server on loopback, and reports delivery latency, throughput, losses and the server's CPU and
 * memory. Run by hand with {@code -Pbench}; kept from rotting by {@code LoadGeneratorSmokeIT}. See docs/BENCHMARKS.md.
 */
package chat.sotto.bench;

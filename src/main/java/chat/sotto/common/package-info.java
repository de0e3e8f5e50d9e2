/**
 * Small shared kernel: base64url identifiers, the refusal type every feature throws, the JSON error body of servlets
 * and filters, and the clock.
 */
package chat.sotto.common;

/** Small shared kernel: base64url identifiers, the refusal type every feature throws, and the clock. */
package chat.sotto.common;

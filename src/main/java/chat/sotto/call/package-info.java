/**
 * Calls: short-lived TURN credentials in the TURN REST API form (coturn's use-auth-secret). Media never passes
 * through the application; call signaling is relayed, encrypted, by the relay package.
 */
package chat.sotto.call;

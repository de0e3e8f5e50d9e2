/**
 * The HTTP edge: the REST application, security headers on every response, errors mapped to JSON, and the guard that
 * keeps a production server from starting with the development keystore password.
 */
package chat.sotto.web;

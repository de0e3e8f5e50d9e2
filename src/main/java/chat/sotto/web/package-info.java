/** The HTTP edge: the REST application, security headers on every response, and errors mapped to JSON. */
package chat.sotto.web;

/** MicroProfile Health checks: live, ready (the database answers) and started. */
package chat.sotto.health;

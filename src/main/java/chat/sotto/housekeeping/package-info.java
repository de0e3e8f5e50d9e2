/** Timers: deletes rooms that are idle past the limit or whose owner stayed away past the grace period. */
package chat.sotto.housekeeping;

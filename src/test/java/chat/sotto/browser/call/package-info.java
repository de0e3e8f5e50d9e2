/**
 * Browser tests of calls: headless Chromium instances with fake camera, microphone and screen drive the real page
 * against the WAR on Liberty (and the coturn the test run started), and read WebRTC statistics, WebSocket frames
 * and database rows to check what a participant or an attacker would observe.
 */
package chat.sotto.browser.call;

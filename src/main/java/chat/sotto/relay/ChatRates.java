package chat.sotto.relay;

import chat.sotto.limits.Limit;

/**
 * The rates a chat message is admitted against in the node's memory, before the shared writer queue: messages per
 * session and per room (the database buckets' rates), and kibibytes per session and per room (memory only), so that
 * large envelopes cannot take more of the node's storage and CPU than small ones do.
 */
record ChatRates(Limit sessionMessages, Limit roomMessages, Limit sessionKibibytes, Limit roomKibibytes) {
  /** What a message of {@code bytes} costs against the kibibyte rates. */
  static int kibibytes(int bytes) {
    return (bytes + 1023) / 1024;
  }
}

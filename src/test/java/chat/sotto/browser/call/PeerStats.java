package chat.sotto.browser.call;

import java.util.List;
import java.util.Map;

/**
 * One open RTCPeerConnection of a page as its getStats() saw it: connection state, how many remote descriptions it
 * applied (each negotiation adds one), RTP streams, and the selected candidate pair.
 */
record PeerStats(
    String state,
    long negotiations,
    List<Rtp> inbound,
    List<Rtp> outbound,
    String localCandidateType,
    String remoteCandidateType,
    String dtlsState,
    String srtpCipher,
    List<String> candidateAddresses) {

  /** One inbound or outbound RTP stream: bytes received or sent, frames decoded (inbound video). */
  record Rtp(String kind, String mid, String track, long bytes, long frames) {}

  boolean connected() {
    return "connected".equals(state);
  }

  /** Media runs over DTLS-SRTP: the DTLS handshake is done and an SRTP cipher was negotiated. */
  boolean encrypted() {
    return "connected".equals(dtlsState) && !srtpCipher.isEmpty();
  }

  long videoFramesDecoded() {
    return inbound.stream().filter(r -> "video".equals(r.kind())).mapToLong(Rtp::frames).sum();
  }

  long videoBytesReceived() {
    return inbound.stream().filter(r -> "video".equals(r.kind())).mapToLong(Rtp::bytes).sum();
  }

  /** Inbound video streams that have decoded frames. */
  List<Rtp> decodingVideo() {
    return inbound.stream().filter(r -> "video".equals(r.kind()) && r.frames() > 0).toList();
  }

  long audioBytesSent() {
    return outbound.stream().filter(r -> "audio".equals(r.kind())).mapToLong(Rtp::bytes).sum();
  }

  @SuppressWarnings("unchecked")
  static PeerStats of(Map<String, Object> m) {
    if (m.get("error") != null) {
      throw new AssertionError("getStats failed in the page: " + m.get("error"));
    }
    return new PeerStats(
        (String) m.get("state"),
        number(m.get("negotiations")),
        ((List<Map<String, Object>>) m.get("inbound")).stream().map(PeerStats::rtp).toList(),
        ((List<Map<String, Object>>) m.get("outbound")).stream().map(PeerStats::rtp).toList(),
        (String) m.get("localType"),
        (String) m.get("remoteType"),
        (String) m.get("dtls"),
        (String) m.get("srtp"),
        (List<String>) m.get("addresses"));
  }

  private static Rtp rtp(Map<String, Object> m) {
    return new Rtp(
        (String) m.get("kind"), (String) m.get("mid"), (String) m.get("track"), number(m.get("bytes")),
        number(m.get("frames")));
  }

  private static long number(Object value) {
    return value instanceof Number n ? n.longValue() : 0;
  }
}

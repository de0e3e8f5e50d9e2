// How media flows to and from one participant, judged from a connection's getStats() report: "direct" or
// "relay" (the selected candidate pair uses a TURN relay on either side), and a simple quality mark from the
// round-trip time and the share of packets lost since the previous look. No DOM, no timers: it runs in Node.

export const Path = Object.freeze({ DIRECT: 'direct', RELAY: 'relay' });
export const Quality = Object.freeze({ GOOD: 'good', FAIR: 'fair', POOR: 'poor' });

/**
 * Thresholds. Conversation feels natural below about 300 ms of round trip (ITU-T G.114 puts 150 ms one way as the
 * comfortable limit) and becomes hard above about 700 ms; audio codecs hide a loss of a few per cent, video shows it
 * from about 5 %, and above 10 % both break up.
 */
export const LIMITS = Object.freeze({
  goodRttMs: 300,
  poorRttMs: 700,
  goodLoss: 0.02,
  poorLoss: 0.1,
  /** Fewer packets than this between two looks say nothing about loss (media off, or just connected). */
  minPackets: 20,
});

/** Reads what matters from an RTCStatsReport (or any Map-like of stats by ID, or an array of stats). */
export function sample(report) {
  const stats = [];
  report.forEach((s) => stats.push(s));
  const byId = new Map(stats.map((s) => [s.id, s]));
  const pair = selectedPair(stats, byId);
  let path = null;
  let rttMs = null;
  if (pair) {
    const types = [byId.get(pair.localCandidateId), byId.get(pair.remoteCandidateId)].map((c) => c?.candidateType);
    if (types.every((type) => typeof type === 'string')) path = types.includes('relay') ? Path.RELAY : Path.DIRECT;
    if (typeof pair.currentRoundTripTime === 'number') rttMs = pair.currentRoundTripTime * 1000;
  }
  let lost = 0;
  let received = 0;
  for (const s of stats) {
    if (s.type !== 'inbound-rtp') continue;
    lost += Math.max(0, s.packetsLost ?? 0);
    received += s.packetsReceived ?? 0;
  }
  return { path, rttMs, lost, received };
}

/** The pair in use: the transport's selected one (Chromium, Safari), else one marked selected (Firefox). */
function selectedPair(stats, byId) {
  for (const s of stats) {
    if (s.type === 'transport' && s.selectedCandidatePairId && byId.has(s.selectedCandidatePairId)) {
      return byId.get(s.selectedCandidatePairId);
    }
  }
  return stats.find((s) => s.type === 'candidate-pair' && s.selected === true)
    ?? stats.find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded')
    ?? null;
}

/** The share of packets lost between two samples, or null when too few packets came to tell. */
export function lossBetween(before, now) {
  if (!before) return null;
  const lost = now.lost - before.lost;
  const received = now.received - before.received;
  if (lost < 0 || received < 0) return null; // counters started again (a new connection)
  const total = lost + received;
  return total >= LIMITS.minPackets ? lost / total : null;
}

/** Good, fair or poor from a round trip (ms, or null) and a loss share (0..1, or null); null when neither is known. */
export function quality(rttMs, loss) {
  if (rttMs === null && loss === null) return null;
  if ((rttMs !== null && rttMs >= LIMITS.poorRttMs) || (loss !== null && loss >= LIMITS.poorLoss)) return Quality.POOR;
  if ((rttMs === null || rttMs < LIMITS.goodRttMs) && (loss === null || loss < LIMITS.goodLoss)) return Quality.GOOD;
  return Quality.FAIR;
}

/** What a tile shows about a connection, from the previous sample (or null) and the current one. */
export function assess(before, now) {
  return { path: now.path, quality: quality(now.rttMs, lossBetween(before, now)) };
}

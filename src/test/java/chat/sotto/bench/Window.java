package chat.sotto.bench;

import java.time.Duration;

/**
 * The measured window of a run: the server's CPU seconds and peak RSS, this generator's CPU seconds and the whole
 * machine's busy CPU seconds between two instants (what neither used was used by something else on the machine).
 */
final class Window {
  private final ServerProbe probe;
  private final long start;
  private final double serverCpu;
  private final double generatorCpu;
  private final double machineCpu;

  private Window(ServerProbe probe, long start) {
    this.probe = probe;
    this.start = start;
    this.serverCpu = probe == null ? 0 : probe.cpuSeconds();
    this.generatorCpu = ServerProbe.generatorCpuSeconds();
    this.machineCpu = ServerProbe.machineBusySeconds();
    if (probe != null) {
      probe.startSampling();
    }
  }

  /** Waits until {@code startNanos} (System.nanoTime) and opens the window. */
  static Window at(long startNanos, ServerProbe probe) {
    sleepUntil(startNanos);
    return new Window(probe, System.nanoTime());
  }

  /** Waits until {@code endNanos}, closes the window and reports what it measured. */
  void end(long endNanos, Report report) {
    sleepUntil(endNanos);
    double seconds = (System.nanoTime() - start) / 1e9;
    double generator = ServerProbe.generatorCpuSeconds() - generatorCpu;
    double machine = ServerProbe.machineBusySeconds() - machineCpu;
    report.put("windowSeconds", seconds);
    if (probe != null) {
      double server = probe.cpuSeconds() - serverCpu;
      probe.stopSampling();
      report
          .put("serverCpuSeconds", server)
          .put("serverCpuCores", server / seconds)
          .put("serverPeakRssMiB", probe.peakRssKb() / 1024.0)
          .put("serverThreads", probe.threads())
          .put("otherCpuSeconds", machine - server - generator);
    }
    report.put("generatorCpuSeconds", generator).put("machineBusyCpuSeconds", machine);
  }

  private static void sleepUntil(long nanos) {
    for (long wait = nanos - System.nanoTime(); wait > 0; wait = nanos - System.nanoTime()) {
      LoadGenerator.sleep(Duration.ofNanos(Math.min(wait, 100_000_000L)));
    }
  }
}

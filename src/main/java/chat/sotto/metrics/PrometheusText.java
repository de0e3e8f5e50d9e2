package chat.sotto.metrics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: for each metric a {@code # HELP} and a {@code # TYPE}
 * line, then its samples. Label values are escaped (backslash, double quote, line feed); names are checked, so a
 * malformed name fails here rather than in the operator's scraper.
 */
public final class PrometheusText {
  /** The Content-Type of this format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final StringBuilder out = new StringBuilder(4096);

  public PrometheusText gauge(String name, String help, long value) {
    header(name, help, "gauge");
    out.append(name).append(' ').append(value).append('\n');
    return this;
  }

  public PrometheusText counter(String name, String help, long value) {
    header(name, help, "counter");
    out.append(name).append(' ').append(value).append('\n');
    return this;
  }

  /**
   * A counter with labels: one sample per entry of {@code samples}, whose key holds the label values in the order
   * of {@code labelNames}. Samples are written in the map's order (pass a sorted map for a stable output).
   */
  public PrometheusText counter(String name, String help, List<String> labelNames, Map<List<String>, Long> samples) {
    labelNames.forEach(l -> check(LABEL_NAME, l));
    header(name, help, "counter");
    for (Map.Entry<List<String>, Long> sample : samples.entrySet()) {
      List<String> values = sample.getKey();
      if (values.size() != labelNames.size()) {
        throw new IllegalArgumentException("one value per label");
      }
      List<String[]> labels = new ArrayList<>(values.size());
      for (int i = 0; i < values.size(); i++) {
        labels.add(new String[] {labelNames.get(i), values.get(i)});
      }
      sample(name, labels, Long.toString(sample.getValue()));
    }
    return this;
  }

  /** A histogram: cumulative {@code _bucket} samples by {@code le}, then {@code _sum} and {@code _count}. */
  public PrometheusText histogram(String name, String help, Histogram.Snapshot s) {
    header(name, help, "histogram");
    double[] bounds = s.bounds();
    long[] cumulative = s.cumulative();
    for (int i = 0; i < cumulative.length; i++) {
      String le = i < bounds.length ? number(bounds[i]) : "+Inf";
      sample(name + "_bucket", List.<String[]>of(new String[] {"le", le}), Long.toString(cumulative[i]));
    }
    out.append(name).append("_sum ").append(number(s.sum())).append('\n');
    out.append(name).append("_count ").append(s.count()).append('\n');
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  /** A label value as the format wants it between double quotes. */
  static String escapeLabelValue(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** A number as Prometheus reads it: integers without a fraction, others in plain decimal notation. */
  static String number(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  private void header(String name, String help, String type) {
    check(METRIC_NAME, name);
    // HELP text escapes backslash and line feed only
    out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private void sample(String name, List<String[]> labels, String value) {
    out.append(name).append('{');
    for (int i = 0; i < labels.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(labels.get(i)[0]).append("=\"").append(escapeLabelValue(labels.get(i)[1])).append('"');
    }
    out.append("} ").append(value).append('\n');
  }

  private static void check(Pattern pattern, String name) {
    if (!pattern.matcher(name).matches()) {
      throw new IllegalArgumentException("not a valid Prometheus name: " + name);
    }
  }
}

package chat.sotto.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The result of a run: named values in order, printed as one JSON line and as a readable summary. */
final class Report {
  private final Map<String, Object> values = new LinkedHashMap<>();

  Report put(String name, Object value) {
    values.put(name, value);
    return this;
  }

  Object get(String name) {
    return values.get(name);
  }

  long getLong(String name) {
    return ((Number) values.get(name)).longValue();
  }

  double getDouble(String name) {
    return ((Number) values.get(name)).doubleValue();
  }

  /** Percentiles of a histogram of microseconds, as milliseconds under {@code prefix}. */
  Report latency(String prefix, Histogram h) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("count", h.getTotalCount());
    p.put("p50", ms(h.getValueAtPercentile(50)));
    p.put("p90", ms(h.getValueAtPercentile(90)));
    p.put("p99", ms(h.getValueAtPercentile(99)));
    p.put("p999", ms(h.getValueAtPercentile(99.9)));
    p.put("max", ms(h.getMaxValue()));
    p.put("mean", ms(h.getMean()));
    return put(prefix, p);
  }

  private static double ms(double micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  String json() {
    StringBuilder b = new StringBuilder();
    write(b, values);
    return b.toString();
  }

  String summary() {
    StringBuilder b = new StringBuilder();
    values.forEach(
        (k, v) -> {
          b.append(String.format(Locale.ROOT, "%-28s ", k));
          if (v instanceof Map<?, ?> m) {
            StringBuilder inner = new StringBuilder();
            m.forEach((ik, iv) -> inner.append(inner.length() == 0 ? "" : "  ").append(ik).append('=').append(text(iv)));
            b.append(inner);
          } else if (v instanceof List<?> l) {
            l.forEach(item -> b.append("\n    ").append(text(item)));
          } else {
            b.append(text(v));
          }
          b.append('\n');
        });
    return b.toString();
  }

  private static String text(Object v) {
    if (v instanceof Double d) {
      return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%.0f", d) : String.format(Locale.ROOT, "%.3g", d);
    }
    return String.valueOf(v);
  }

  private static void write(StringBuilder b, Object v) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        b.append(first ? "" : ",");
        string(b, String.valueOf(e.getKey()));
        b.append(':');
        write(b, e.getValue());
        first = false;
      }
      b.append('}');
    } else if (v instanceof List<?> l) {
      b.append('[');
      for (int i = 0; i < l.size(); i++) {
        b.append(i == 0 ? "" : ",");
        write(b, l.get(i));
      }
      b.append(']');
    } else if (v instanceof Double d) {
      b.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.4f", d).replaceAll("0+$", "").replaceAll("\\.$", ""));
    } else if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else {
      string(b, v.toString());
    }
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}

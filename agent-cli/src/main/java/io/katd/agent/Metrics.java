package io.katd.agent;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A small metrics registry written out in the Prometheus text exposition format
 * (version 0.0.4): {@code # HELP} and {@code # TYPE} lines, then samples. Counters end in
 * {@code _total}; histograms have cumulative {@code _bucket} lines up to {@code +Inf},
 * {@code _sum} and {@code _count}. Values read from suppliers are taken at scrape time; a
 * supplier that fails leaves its metric out of that scrape.
 */
final class Metrics {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private interface Family {
        void write(StringBuilder out);
    }

    private final List<Family> families = new ArrayList<>();

    /** A counter this process increments. */
    synchronized Counter counter(String name, String help) {
        Counter c = new Counter();
        families.add(out -> sample(out, name, help, "counter", c.value.sum()));
        return c;
    }

    /** A counter whose value lives elsewhere (for example a library's statistics). */
    synchronized void counter(String name, String help, DoubleSupplier value) {
        families.add(out -> sample(out, name, help, "counter", value.getAsDouble()));
    }

    synchronized void gauge(String name, String help, DoubleSupplier value) {
        families.add(out -> sample(out, name, help, "gauge", value.getAsDouble()));
    }

    /** A histogram over {@code bucketsSeconds}, upper bounds in increasing order. */
    synchronized Histogram histogram(String name, String help, double... bucketsSeconds) {
        Histogram h = new Histogram(bucketsSeconds);
        families.add(out -> h.write(out, name, help));
        return h;
    }

    /** The exposition of every metric, in registration order. */
    String scrape() {
        List<Family> all;
        synchronized (this) {
            all = List.copyOf(families);
        }
        StringBuilder out = new StringBuilder(4096);
        for (Family f : all) {
            StringBuilder one = new StringBuilder();
            try {
                f.write(one);
            } catch (RuntimeException e) {
                continue;
            }
            out.append(one);
        }
        return out.toString();
    }

    private static void sample(StringBuilder out, String name, String help, String type,
            double value) {
        header(out, name, help, type);
        out.append(name).append(' ').append(number(value)).append('\n');
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ')
                .append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    static final class Counter {
        private final LongAdder value = new LongAdder();

        void inc() {
            value.increment();
        }

        long value() {
            return value.sum();
        }
    }

    static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] counts;
        private final LongAdder count = new LongAdder();
        private final DoubleAdder sum = new DoubleAdder();

        private Histogram(double[] bounds) {
            for (int i = 1; i < bounds.length; i++) {
                if (bounds[i] <= bounds[i - 1]) {
                    throw new IllegalArgumentException("histogram buckets must increase");
                }
            }
            this.bounds = bounds.clone();
            this.counts = new LongAdder[bounds.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observeNanos(long nanos) {
            observe(nanos / 1e9);
        }

        void observe(double seconds) {
            for (int i = 0; i < bounds.length; i++) {
                if (seconds <= bounds[i]) {
                    counts[i].increment();
                    break;
                }
            }
            sum.add(seconds);
            count.increment();
        }

        long count() {
            return count.sum();
        }

        private void write(StringBuilder out, String name, String help) {
            header(out, name, help, "histogram");
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++) {
                cumulative += counts[i].sum();
                out.append(name).append("_bucket{le=\"").append(number(bounds[i]))
                        .append("\"} ").append(cumulative).append('\n');
            }
            long total = count.sum();
            out.append(name).append("_bucket{le=\"+Inf\"} ").append(Math.max(total, cumulative))
                    .append('\n');
            out.append(name).append("_sum ").append(number(sum.sum())).append('\n');
            out.append(name).append("_count ").append(Math.max(total, cumulative)).append('\n');
        }
    }
}

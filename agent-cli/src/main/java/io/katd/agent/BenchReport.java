package io.katd.agent;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What a bench run measured: throughput and latency percentiles, as text or JSON. */
record BenchReport(String workload, int requests, int clients, int conns, int keySizeBytes,
        int valueSizeBytes, double seconds, double requestsPerSecond, double p50Millis,
        double p90Millis, double p99Millis, double p999Millis, double maxMillis, long errors,
        List<String> firstErrors) {

    static BenchReport of(String workload, int requests, int clients, int conns, int keySize,
            int valueSize, long elapsedNanos, long[][] latencies, long errors,
            List<String> firstErrors) {
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        double seconds = elapsedNanos / 1e9;
        return new BenchReport(workload, requests, clients, conns, keySize, valueSize, seconds,
                all.length / seconds, percentile(all, 0.50), percentile(all, 0.90),
                percentile(all, 0.99), percentile(all, 0.999),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6, errors, List.copyOf(
                        firstErrors));
    }

    /** The nearest-rank percentile of sorted nanoseconds, in milliseconds. */
    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    String text() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "bench %s: %d requests, %d clients, %d connections,"
                + " key %d B, value %d B%n", workload, requests, clients, conns, keySizeBytes,
                valueSizeBytes));
        b.append(String.format(Locale.ROOT, "  throughput  %.1f requests/s (%.2f s)%n",
                requestsPerSecond, seconds));
        b.append(String.format(Locale.ROOT, "  latency ms  p50 %.2f  p90 %.2f  p99 %.2f"
                + "  p99.9 %.2f  max %.2f%n", p50Millis, p90Millis, p99Millis, p999Millis,
                maxMillis));
        b.append(String.format(Locale.ROOT, "  errors      %d%s", errors,
                firstErrors.isEmpty() ? "" : " (first: " + String.join("; ", firstErrors)
                        + ")"));
        return b.toString();
    }

    String json() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "{\"workload\":\"%s\",\"requests\":%d,"
                + "\"clients\":%d,\"conns\":%d,\"key_size_bytes\":%d,\"value_size_bytes\":%d,"
                + "\"seconds\":%.3f,\"requests_per_second\":%.1f,\"latency_ms\":{\"p50\":%.3f,"
                + "\"p90\":%.3f,\"p99\":%.3f,\"p99_9\":%.3f,\"max\":%.3f},\"errors\":%d,"
                + "\"first_errors\":[", workload, requests, clients, conns, keySizeBytes,
                valueSizeBytes, seconds, requestsPerSecond, p50Millis, p90Millis, p99Millis,
                p999Millis, maxMillis, errors));
        for (int i = 0; i < firstErrors.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            ProtoJson.string(b, firstErrors.get(i));
        }
        return b.append("]}").toString();
    }
}

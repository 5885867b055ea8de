package io.katd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void writesThePrometheusTextFormat() {
        Metrics m = new Metrics();
        Metrics.Counter c = m.counter("katd_things_total", "Things.");
        m.gauge("katd_level", "A level.", () -> 2.5);
        Metrics.Histogram h = m.histogram("katd_wait_seconds", "Waits.", 0.001, 0.01, 0.1);
        m.gauge("katd_broken", "Fails to read.", () -> {
            throw new IllegalStateException("closed");
        });
        c.inc();
        c.inc();
        h.observe(0.0005);
        h.observe(0.05);
        h.observe(3);

        assertThat(m.scrape()).isEqualTo("""
                # HELP katd_things_total Things.
                # TYPE katd_things_total counter
                katd_things_total 2
                # HELP katd_level A level.
                # TYPE katd_level gauge
                katd_level 2.5
                # HELP katd_wait_seconds Waits.
                # TYPE katd_wait_seconds histogram
                katd_wait_seconds_bucket{le="0.001"} 1
                katd_wait_seconds_bucket{le="0.01"} 1
                katd_wait_seconds_bucket{le="0.1"} 2
                katd_wait_seconds_bucket{le="+Inf"} 3
                katd_wait_seconds_sum 3.0505
                katd_wait_seconds_count 3
                """);
    }

    @Test
    void numbersAreWrittenWithoutExponents() {
        assertThat(Metrics.number(0.0005)).isEqualTo("0.0005");
        assertThat(Metrics.number(1e-7)).isEqualTo("0.0000001");
        assertThat(Metrics.number(42)).isEqualTo("42");
        assertThat(Metrics.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    }
}

package io.katd.raft.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.katd.raft.Config;
import io.katd.raft.ReadOnlyOption;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

class RaftNodeConfigTest {

    @Test
    void durationsBecomeTicksOnce() {
        RaftNodeConfig c = RaftNodeConfig.builder(7).tickInterval(Duration.ofMillis(50))
                .electionTimeout(Duration.ofMillis(750)).heartbeatInterval(Duration.ofMillis(150))
                .requestTimeout(Duration.ofMillis(1_010)).build();
        assertThat(c.electionTicks()).isEqualTo(15);
        assertThat(c.heartbeatTicks()).isEqualTo(3);
        assertThat(c.requestTimeoutTicks()).isEqualTo(21);
        Config core = c.coreConfig(42, NOPLogger.NOP_LOGGER);
        assertThat(core.id()).isEqualTo(7);
        assertThat(core.electionTicks()).isEqualTo(15);
        assertThat(core.heartbeatTicks()).isEqualTo(3);
        assertThat(core.applied()).isEqualTo(42);
        assertThat(core.preVote()).isTrue();
        assertThat(core.checkQuorum()).isTrue();
        // The lease margin: the protocol's default (1 + ceil(15 / 10) ticks), or as given.
        assertThat(core.leaseDriftMarginTicks()).isEqualTo(3);
        Config margin = RaftNodeConfig.builder(7).tickInterval(Duration.ofMillis(50))
                .electionTimeout(Duration.ofMillis(750)).readOnlyOption(
                        ReadOnlyOption.LEASE_BASED).leaseDriftMargin(Duration.ofMillis(250))
                .build().coreConfig(0, NOPLogger.NOP_LOGGER);
        assertThat(margin.leaseDriftMarginTicks()).isEqualTo(5);
    }

    @Test
    void defaultsAreValid() {
        RaftNodeConfig c = RaftNodeConfig.builder(1).build();
        assertThat(c.electionTicks()).isEqualTo(10);
        assertThat(c.heartbeatTicks()).isEqualTo(1);
        assertThat(c.completionExecutor()).isNull();
        assertThat(c.random()).isNotNull();
    }

    @Test
    void rejectsInvalidValuesWithTheFieldAndValue() {
        rejects(b -> b, 0, "id must not be 0");
        rejects(b -> b.tickInterval(Duration.ZERO), 1, "tickInterval must be positive, was PT0S");
        rejects(b -> b.tickInterval(Duration.ofMillis(-5)), 1, "tickInterval must be positive");
        rejects(b -> b.tickInterval(null), 1, "tickInterval must not be null");
        rejects(b -> b.electionTimeout(Duration.ofMillis(150)), 1,
                "electionTimeout (PT0.15S) must be a whole multiple of tickInterval (PT0.1S)");
        rejects(b -> b.heartbeatInterval(Duration.ofMillis(50)), 1,
                "heartbeatInterval (PT0.05S) must be at least tickInterval (PT0.1S)");
        rejects(b -> b.heartbeatInterval(Duration.ofSeconds(1)), 1,
                "electionTimeout (PT1S) must be greater than heartbeatInterval (PT1S)");
        rejects(b -> b.requestTimeout(Duration.ofMillis(10)), 1,
                "requestTimeout (PT0.01S) must be at least tickInterval (PT0.1S)");
        rejects(b -> b.readOnlyOption(ReadOnlyOption.LEASE_BASED).checkQuorum(false), 1,
                "LEASE_BASED requires checkQuorum");
        rejects(b -> b.leaseDriftMargin(Duration.ofMillis(150)), 1,
                "leaseDriftMargin (PT0.15S) must be a whole multiple of tickInterval (PT0.1S)");
        rejects(b -> b.leaseDriftMargin(Duration.ZERO), 1,
                "leaseDriftMargin (PT0S) must be at least tickInterval (PT0.1S)");
        rejects(b -> b.leaseDriftMargin(Duration.ofSeconds(1)), 1,
                "leaseDriftMargin (PT1S) must be less than electionTimeout (PT1S)");
        rejects(b -> b.snapshotEvery(10, 10), 1,
                "snapshotKeepEntries (10) must be less than snapshotThreshold (10)");
        rejects(b -> b.snapshotEvery(-1, 0), 1, "snapshotThreshold must be >= 0, was -1");
        rejects(b -> b.inboxCapacity(0), 1, "inboxCapacity must be > 0, was 0");
        rejects(b -> b.maxInflightMsgs(0), 1, "maxInflightMsgs must be > 0, was 0");
        rejects(b -> b.clock(null), 1, "clock must not be null");
    }

    @Test
    void snapshotsMayBeDisabled() {
        assertThat(RaftNodeConfig.builder(1).snapshotEvery(0, 0).build().snapshotThreshold())
                .isZero();
    }

    private static void rejects(UnaryOperator<RaftNodeConfig.Builder> tweak, long id,
            String message) {
        assertThatThrownBy(() -> tweak.apply(RaftNodeConfig.builder(id)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid raft node config: ")
                .hasMessageContaining(message);
    }
}

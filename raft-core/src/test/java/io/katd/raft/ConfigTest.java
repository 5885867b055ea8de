package io.katd.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigTest {

    static Config.Builder valid() {
        return Config.builder(1).random(new SplittableRandom(7));
    }

    @Test
    void defaultsAreValid() {
        Config c = valid().build();
        assertThat(c.id()).isEqualTo(1);
        assertThat(c.electionTicks()).isEqualTo(10);
        assertThat(c.heartbeatTicks()).isEqualTo(1);
        assertThat(c.readOnlyOption()).isEqualTo(ReadOnlyOption.SAFE);
        assertThat(c.maxInflightMsgs()).isPositive();
        assertThat(c.checkQuorum()).isFalse();
        assertThat(c.preVote()).isFalse();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                invalid("id", b -> Config.builder(0).random(new SplittableRandom(7))),
                invalid("heartbeatTicks", b -> b.heartbeatTicks(0)),
                invalid("electionTicks", b -> b.heartbeatTicks(3).electionTicks(3)),
                invalid("electionTicks", b -> b.heartbeatTicks(3).electionTicks(2)),
                invalid("applied", b -> b.applied(-1)),
                invalid("maxMsgBytes", b -> b.maxMsgBytes(-1)),
                invalid("maxCommittedBytesPerReady", b -> b.maxCommittedBytesPerReady(-1)),
                invalid("maxUncommittedBytes", b -> b.maxUncommittedBytes(-1)),
                invalid("maxInflightMsgs", b -> b.maxInflightMsgs(0)),
                invalid("maxInflightBytes", b -> b.maxInflightBytes(-1)),
                invalid("maxInflightBytes", b -> b.maxMsgBytes(1000).maxInflightBytes(999)),
                invalid("readOnlyOption", b -> b.readOnlyOption(null)),
                invalid("readOnlyOption", b -> b.readOnlyOption(ReadOnlyOption.LEASE_BASED)),
                invalid("random", b -> b.random(null)),
                invalid("logger", b -> b.logger(null)));
    }

    private static Arguments invalid(String field, UnaryOperator<Config.Builder> tweak) {
        return Arguments.of(field, tweak);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidFieldIsRefusedNamingTheField(String field, UnaryOperator<Config.Builder> tweak) {
        Config.Builder b = tweak.apply(valid());
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid raft config: " + field + " ");
    }

    @Test
    void leaseBasedReadsAreAcceptedWithCheckQuorum() {
        Config c = valid().readOnlyOption(ReadOnlyOption.LEASE_BASED).checkQuorum(true).build();
        assertThat(c.readOnlyOption()).isEqualTo(ReadOnlyOption.LEASE_BASED);
    }

    @Test
    void boundaryValuesAreAccepted() {
        Config c = valid().heartbeatTicks(4).electionTicks(5).applied(0).maxMsgBytes(0)
                .maxInflightMsgs(1).maxInflightBytes(0).maxUncommittedBytes(0).build();
        assertThat(c.electionTicks()).isEqualTo(5);
        Config equalBytes = valid().maxMsgBytes(512).maxInflightBytes(512).build();
        assertThat(equalBytes.maxInflightBytes()).isEqualTo(512);
    }

    @Test
    void zeroUncommittedLimitMeansNoLimit() {
        assertThat(valid().build().uncommittedBytesLimit()).isEqualTo(Long.MAX_VALUE);
        assertThat(valid().maxUncommittedBytes(10).build().uncommittedBytesLimit())
                .isEqualTo(10);
    }

    @Test
    void toBuilderRoundTrips() {
        Config c = valid().electionTicks(20).heartbeatTicks(2).applied(5).maxMsgBytes(10)
                .maxCommittedBytesPerReady(11).maxUncommittedBytes(12).maxInflightMsgs(13)
                .maxInflightBytes(14).checkQuorum(true).preVote(true)
                .readOnlyOption(ReadOnlyOption.LEASE_BASED).disableProposalForwarding(true)
                .stepDownOnRemoval(true).build();
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }
}

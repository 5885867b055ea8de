package io.katd.kv.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LeaseExpiryTest {

    private final FakeClock clock = new FakeClock();
    private final LeaseTable table = new LeaseTable();
    private final LeaseExpiry expiry = new LeaseExpiry(clock);

    @Test
    void aFollowerTracksNothingAndRefusesKeepAlives() {
        expiry.onGranted(table.grant(1, 5));
        clock.advanceSeconds(60);

        assertThat(expiry.isPromoted()).isFalse();
        assertThat(expiry.expired(10)).isEmpty();
        assertThatThrownBy(() -> expiry.keepAlive(1)).isInstanceOf(NotPrimaryException.class);
        assertThatThrownBy(() -> expiry.remainingTtlSeconds(1))
                .isInstanceOf(NotPrimaryException.class);
    }

    @Test
    void aLeaseExpiresWhenItsTtlHasPassed() {
        expiry.promote(table.list());
        expiry.onGranted(table.grant(1, 10));

        clock.advanceNanos(10_000_000_000L - 1);
        assertThat(expiry.expired(10)).isEmpty();
        assertThat(expiry.remainingTtlSeconds(1)).isEqualTo(1);
        clock.advanceNanos(1);
        assertThat(expiry.expired(10)).containsExactly(1L);
        assertThat(expiry.remainingTtlSeconds(1)).isZero();
    }

    @Test
    void keepAliveRestartsTheFullTtl() {
        expiry.promote(table.list());
        expiry.onGranted(table.grant(1, 10));
        clock.advanceSeconds(7.5);
        assertThat(expiry.remainingTtlSeconds(1)).isEqualTo(3);

        assertThat(expiry.keepAlive(1)).isEqualTo(10);
        assertThat(expiry.remainingTtlSeconds(1)).isEqualTo(10);
        clock.advanceSeconds(9);
        assertThat(expiry.expired(10)).isEmpty();
        clock.advanceSeconds(1);
        assertThat(expiry.expired(10)).containsExactly(1L);
    }

    @Test
    void anExpiredLeaseCannotBeKeptAlive() {
        expiry.promote(table.list());
        expiry.onGranted(table.grant(1, 2));
        clock.advanceSeconds(2);

        assertThatThrownBy(() -> expiry.keepAlive(1))
                .isInstanceOfSatisfying(LeaseNotFoundException.class,
                        e -> assertThat(e.leaseId()).isEqualTo(1))
                .hasMessageContaining("expired");
        assertThatThrownBy(() -> expiry.keepAlive(99)).isInstanceOf(LeaseNotFoundException.class)
                .hasMessage("lease 99 not found");
    }

    @Test
    void anExpiredLeaseIsReportedAgainOnlyAfterTheRetryInterval() {
        LeaseExpiry retrying = new LeaseExpiry(clock, 3_000_000_000L);
        retrying.promote(table.list());
        retrying.onGranted(table.grant(1, 1));
        clock.advanceSeconds(1);

        assertThat(retrying.expired(10)).containsExactly(1L);
        clock.advanceSeconds(2.9);
        assertThat(retrying.expired(10)).isEmpty();
        clock.advanceSeconds(0.1);
        assertThat(retrying.expired(10)).containsExactly(1L);
        table.revoke(1);
        retrying.onRevoked(1);
        clock.advanceSeconds(10);
        assertThat(retrying.expired(10)).isEmpty();
    }

    @Test
    void expiredLeasesComeEarliestFirstAndAtMostMaxAtATime() {
        expiry.promote(table.list());
        for (long ttl : List.of(5L, 3L, 4L, 3L)) {
            expiry.onGranted(table.grant(0, ttl));
        }
        clock.advanceSeconds(5);

        assertThat(expiry.expired(3)).containsExactly(2L, 4L, 3L);
        assertThat(expiry.expired(3)).containsExactly(1L);
        assertThat(expiry.expired(3)).isEmpty();
    }

    @Test
    void aNewLeaderRestartsEveryDeadlineAtTheFullTtl() {
        LeaseExpiry oldLeader = new LeaseExpiry(clock);
        oldLeader.promote(table.list());
        oldLeader.onGranted(table.grant(1, 10));
        oldLeader.onGranted(table.grant(2, 20));
        clock.advanceSeconds(8);
        oldLeader.keepAlive(2);
        oldLeader.demote();
        assertThat(oldLeader.expired(10)).isEmpty();

        LeaseExpiry newLeader = new LeaseExpiry(clock);
        newLeader.promote(table.list());
        assertThat(newLeader.remainingTtlSeconds(1)).isEqualTo(10);
        assertThat(newLeader.remainingTtlSeconds(2)).isEqualTo(20);
        clock.advanceSeconds(9.9);
        assertThat(newLeader.expired(10)).isEmpty();
        clock.advanceSeconds(0.1);
        assertThat(newLeader.expired(10)).containsExactly(1L);
    }

    @Test
    void aRevokedLeaseIsForgotten() {
        expiry.promote(table.list());
        expiry.onGranted(table.grant(1, 10));
        table.revoke(1);
        expiry.onRevoked(1);
        clock.advanceSeconds(10);

        assertThat(expiry.expired(10)).isEmpty();
        assertThatThrownBy(() -> expiry.keepAlive(1)).isInstanceOf(LeaseNotFoundException.class);
    }

    @Test
    void theLongestTtlNeverExpiresInARunningProcess() {
        expiry.promote(table.list());
        expiry.onGranted(table.grant(1, LeaseTable.MAX_TTL_SECONDS));
        clock.advanceSeconds(100L * 365 * 24 * 3600);

        assertThat(expiry.expired(10)).isEmpty();
        assertThat(expiry.keepAlive(1)).isEqualTo(LeaseTable.MAX_TTL_SECONDS);
    }
}

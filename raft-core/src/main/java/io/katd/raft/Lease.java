package io.katd.raft;

import com.google.protobuf.ByteString;
import io.katd.raft.quorum.JointConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The leader lease of {@link ReadOnlyOption#LEASE_BASED}: which of its own heartbeats a
 * quorum acknowledged, by the leader tick at which each heartbeat was sent.
 *
 * <p>A follower that receives a heartbeat ignores vote requests for an election timeout
 * of its own clock after the receipt, and the receipt is no earlier than the send. So a
 * quorum that acknowledged heartbeats sent at tick {@code t} or later cannot help elect
 * another leader before the leader's clock reads {@code t + electionTicks}, give or take
 * the drift between the clocks. Counting from the ack's arrival instead would
 * overestimate the lease by the round-trip time.
 *
 * <p>The send tick travels in the heartbeat context, which followers echo unchanged in
 * MsgHeartbeatResp (older followers included). The context is {@code lease:<tick>:}
 * followed by the context of the read request the heartbeat confirms, if any; readable
 * text so that scenario traces show it.
 */
final class Lease {
    private static final ByteString PREFIX = ByteString.copyFromUtf8("lease:");

    /** A heartbeat context decoded: its send tick and the read request context it carries. */
    record Stamp(long sentAt, ByteString requestCtx) {}

    // Per voter, the highest send tick among the heartbeats of this term it acknowledged.
    // Reset with the leadership: acks of an earlier term prove nothing about this one.
    private final Map<Long, Long> ackedSentAt = new HashMap<>();

    static ByteString encode(long sentAt, ByteString requestCtx) {
        ByteString head = PREFIX
                .concat(ByteString.copyFromUtf8(sentAt + ":"));
        return requestCtx == null ? head : head.concat(requestCtx);
    }

    /** The stamp in {@code ctx}, or null when it is not a lease heartbeat context. */
    static Stamp decode(ByteString ctx) {
        if (!ctx.startsWith(PREFIX)) {
            return null;
        }
        long sentAt = 0;
        int digits = 0;
        for (int i = PREFIX.size(); i < ctx.size(); i++) {
            byte b = ctx.byteAt(i);
            if (b == ':') {
                if (digits == 0) {
                    return null;
                }
                return new Stamp(sentAt, ctx.substring(i + 1));
            }
            if (b < '0' || b > '9' || digits == 18) {
                return null;
            }
            sentAt = sentAt * 10 + (b - '0');
            digits++;
        }
        return null;
    }

    /** Records that {@code voter} acknowledged a heartbeat sent at {@code sentAt}. */
    void ack(long voter, long sentAt) {
        // A reordered, older ack must not move the voter's lease start back.
        ackedSentAt.merge(voter, sentAt, Math::max);
    }

    /**
     * The send tick from which a quorum of {@code voters} (both halves of a joint config)
     * is known to have heard from the leader; {@code self} counts as acknowledging
     * {@code now}. 0 when no quorum acknowledged anything (send ticks start at 1).
     */
    long start(JointConfig voters, long self, long now) {
        return voters.committedIndex(v -> v == self ? now : ackedSentAt.getOrDefault(v, 0L));
    }

    /**
     * Whether the lease is held at leader tick {@code now}: a quorum acknowledged a
     * heartbeat sent less than {@code electionTicks - marginTicks} ticks ago.
     */
    boolean held(JointConfig voters, long self, long now, int electionTicks, int marginTicks) {
        long start = start(voters, self, now);
        return start > 0 && now - start < (long) electionTicks - marginTicks;
    }
}

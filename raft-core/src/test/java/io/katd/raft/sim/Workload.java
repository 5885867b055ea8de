package io.katd.raft.sim;

import com.google.protobuf.ByteString;
import io.katd.proto.raft.ConfState;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The clients and the operator, once per tick: proposals and reads at random nodes
 * (which may drop them), leadership transfers, forced campaigns, membership changes, log
 * compaction and background flushes. After healing, only the final write (retried
 * until acknowledged), the end of explicit joint configurations and housekeeping remain.
 */
final class Workload {
    private final Simulation sim;
    private final Scenario scenario;
    private final SplittableRandom random;
    private final Membership membership;
    private long seq;
    private long finalWriteTick = -1;

    Workload(Simulation sim) {
        this.sim = sim;
        this.scenario = sim.scenario;
        this.random = sim.workloadRandom;
        this.membership = new Membership(sim, random);
    }

    void onTick() {
        if (!sim.healed) {
            if (random.nextDouble() < scenario.propose()) {
                propose();
            }
            if (random.nextDouble() < scenario.read()) {
                read();
            }
            if (random.nextDouble() < scenario.transfer()) {
                transfer();
            }
            if (random.nextDouble() < scenario.disrupt()) {
                disrupt();
            }
            if (random.nextDouble() < scenario.confChange()) {
                membership.change();
            }
        } else {
            finalWrite();
            if (sim.tick % Simulation.ELECTION_TICKS == 0) {
                membership.leaveExplicitJoint();
            }
        }
        housekeeping();
    }

    private void propose() {
        SimNode n = pick(sim.runnable());
        if (n != null) {
            n.raw.propose(Simulation.payload(Simulation.PROPOSAL, n.id, seq++));
            sim.afterInput(n);
        }
    }

    private void read() {
        SimNode n = pick(sim.runnable());
        if (n != null) {
            String ctx = "r" + seq++;
            sim.emit(new Event.ReadRequested(n.id, ctx, sim.knownCommitNow()));
            n.raw.readIndex(ByteString.copyFromUtf8(ctx));
            sim.afterInput(n);
        }
    }

    private void transfer() {
        ConfState cs = sim.latestConf;
        SimNode to = random.nextInt(3) == 0 ? pick(sim.runnable()) : sim.leader();
        if (to != null && cs.getVotersCount() > 0) {
            to.raw.transferLeader(cs.getVoters(random.nextInt(cs.getVotersCount())));
            sim.afterInput(to);
        }
    }

    private void disrupt() {
        SimNode n = pick(sim.runnable());
        if (n != null) {
            if (random.nextBoolean()) {
                n.raw.campaign();
            } else {
                n.raw.forgetLeader();
            }
            sim.afterInput(n);
        }
    }

    /** The write that must succeed once the faults are over; retried until it does. */
    private void finalWrite() {
        boolean waiting = finalWriteTick >= 0
                && sim.tick - finalWriteTick < 2 * Simulation.ELECTION_TICKS;
        SimNode leader = sim.leader();
        if (sim.finalWriteIndex > 0 || waiting || leader == null) {
            return;
        }
        if (leader.raw.propose(Simulation.payload(Simulation.FINAL_WRITE, leader.id, seq++))) {
            finalWriteTick = sim.tick;
        }
        sim.afterInput(leader);
    }

    private void housekeeping() {
        for (SimNode n : sim.nodes.values()) {
            if (n.status != SimNode.Status.UP) {
                continue;
            }
            if (n.wantsCompaction(scenario.snapshotEvery()) && random.nextBoolean()) {
                n.compact(random.nextInt(3), sim);
            }
            if (random.nextInt(5) == 0) {
                n.flush();
            }
        }
    }

    private SimNode pick(List<SimNode> from) {
        return from.isEmpty() ? null : from.get(random.nextInt(from.size()));
    }
}

package io.katd.raft.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Injects the scenario's faults once per tick until the simulation heals: partitions of
 * every kind (each healing after a while), crashes (now, or at a chosen point of the next
 * Ready) followed by restarts, and pauses.
 */
final class Faults {
    private static final Partition.Kind[] KINDS = Partition.Kind.values();
    private static final SimNode.CrashPoint[] POINTS = SimNode.CrashPoint.values();

    private final Simulation sim;
    private final Scenario scenario;
    private final SplittableRandom random;
    private long partitionEnd;

    Faults(Simulation sim) {
        this.sim = sim;
        this.scenario = sim.scenario;
        this.random = sim.faultRandom;
    }

    void onTick() {
        for (SimNode n : sim.nodes.values()) {
            if (n.status == SimNode.Status.DOWN && sim.tick >= n.restartAt) {
                n.restart(sim);
            }
        }
        if (sim.healed) {
            return;
        }
        partitions();
        if (random.nextDouble() < scenario.crash()) {
            crash();
        }
        if (random.nextDouble() < scenario.pause()) {
            SimNode n = pick(sim.runnable());
            if (n != null) {
                n.pausedUntil = sim.tick + 1 + random.nextInt(3 * Simulation.ELECTION_TICKS);
            }
        }
    }

    private void partitions() {
        if (sim.partition != Partition.NONE) {
            if (sim.tick >= partitionEnd) {
                sim.partition = Partition.NONE;
                sim.network.release(sim.now);
            }
            return;
        }
        if (random.nextDouble() >= scenario.partition()) {
            return;
        }
        List<Long> ids = new ArrayList<>();
        for (SimNode n : sim.nodes.values()) {
            if (n.status != SimNode.Status.RETIRED) {
                ids.add(n.id);
            }
        }
        if (ids.size() < 3) {
            return;
        }
        SimNode leader = sim.leader();
        sim.partition = Partition.create(KINDS[random.nextInt(KINDS.length)], ids,
                leader == null ? 0 : leader.id, random);
        partitionEnd = sim.tick + 1 + random.nextInt(5 * Simulation.ELECTION_TICKS);
        sim.stats.partitions++;
    }

    private void crash() {
        List<SimNode> up = new ArrayList<>();
        for (SimNode n : sim.nodes.values()) {
            if (n.status == SimNode.Status.UP && n.crashAt == null) {
                up.add(n);
            }
        }
        SimNode victim = pick(up);
        if (victim == null) {
            return;
        }
        sim.stats.crashes++;
        victim.downtime = 1 + random.nextInt(4 * Simulation.ELECTION_TICKS);
        int point = random.nextInt(POINTS.length + 1);
        if (point == POINTS.length) {
            victim.crash(sim);
        } else {
            victim.crashAt = POINTS[point];
        }
    }

    private SimNode pick(List<SimNode> from) {
        return from.isEmpty() ? null : from.get(random.nextInt(from.size()));
    }
}

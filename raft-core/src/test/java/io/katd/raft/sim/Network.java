package io.katd.raft.sim;

import io.katd.proto.raft.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;

/**
 * The simulated wire: a delivery queue ordered by virtual time (then by send order), with
 * random latency, so messages are reordered; duplicates; and random loss, decided when a
 * message falls due so that the sender can be told about lost snapshots. Partitions are
 * applied by the simulation at delivery, since they may change while a message flies.
 */
final class Network {
    record InFlight(long at, long seq, Message message) implements Comparable<InFlight> {
        @Override
        public int compareTo(InFlight o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<InFlight> queue = new PriorityQueue<>();
    private final List<Message> held = new ArrayList<>();
    private final RandomGenerator random;
    private final Scenario scenario;
    private long seq;
    private boolean faulty = true;

    Network(RandomGenerator random, Scenario scenario) {
        this.random = random;
        this.scenario = scenario;
    }

    /** From now on: no loss, no duplicates, no latency spikes. */
    void heal() {
        faulty = false;
    }

    void send(Message m, long now) {
        enqueue(m, now + latency());
        if (faulty && random.nextDouble() < scenario.duplicate()) {
            enqueue(m, now + latency());
        }
    }

    private long latency() {
        long l = 1 + random.nextInt(scenario.maxDelay());
        if (faulty && random.nextDouble() < scenario.spike()) {
            // A latency spike of up to two election timeouts.
            l += random.nextInt(2 * Simulation.ELECTION_TICKS * Simulation.UNITS_PER_TICK);
        }
        return l;
    }

    private void enqueue(Message m, long at) {
        queue.add(new InFlight(at, seq++, m));
    }

    /** Delivers {@code m} again at {@code at}: its receiver was not listening. */
    void requeue(Message m, long at) {
        enqueue(m, at);
    }

    /** The next message due by {@code now}, or null. */
    Message poll(long now) {
        InFlight head = queue.peek();
        if (head == null || head.at() > now) {
            return null;
        }
        return queue.poll().message();
    }

    /** Whether a due message is lost on the way. */
    boolean lost() {
        return faulty && random.nextDouble() < scenario.drop();
    }

    /** Keeps a message on a clogged link until {@link #release}. */
    void hold(Message m) {
        held.add(m);
    }

    /** Releases every held message in one burst. */
    void release(long now) {
        for (Message m : held) {
            enqueue(m, now + 1 + random.nextInt(Simulation.UNITS_PER_TICK));
        }
        held.clear();
    }
}

package io.katd.raft.sim;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The parameters of one simulation run. Together with the code they determine the run
 * completely. {@link #toString} is a one-line form that {@link #parse} reads back, which
 * is how a failure is replayed.
 *
 * @param seed the root of every random choice of the run
 * @param size the number of founding voters, 3 or 5
 * @param heartbeatTicks the leaders' heartbeat interval (election timeout is 10 ticks)
 * @param maxInflightMsgs the replication window per follower
 * @param maxMsgBytes the MsgApp size limit (0: one entry per message)
 * @param maxUncommittedBytes the leader's limit on uncommitted payload (0: none)
 * @param faultTicks how long faults are injected before everything heals
 * @param drop probability that a message is lost
 * @param duplicate probability that a message is delivered twice
 * @param maxDelay the largest normal latency, in units of a tenth of a tick
 * @param spike probability of a latency spike of up to two election timeouts
 * @param partition per-tick probability that a partition starts
 * @param crash per-tick probability that a node crashes
 * @param loseUnsynced probability that a crash loses writes that were not synced
 * @param pause per-tick probability that a node is paused (no ticks, no messages)
 * @param propose per-tick probability of a client proposal
 * @param read per-tick probability of a ReadIndex request
 * @param confChange per-tick probability of a membership change
 * @param transfer per-tick probability of a leadership transfer
 * @param disrupt per-tick probability of a forced campaign or forgotten leader
 * @param snapshotEvery applied entries between a node's log compactions
 * @param snapshotUnavailable probability that storage has no snapshot ready to send
 * @param batch probability that a node handles several inputs before its next Ready
 */
record Scenario(long seed, int size, boolean preVote, boolean checkQuorum,
        boolean stepDownOnRemoval, int heartbeatTicks, int maxInflightMsgs, long maxMsgBytes,
        long maxUncommittedBytes, int faultTicks, double drop, double duplicate, int maxDelay,
        double spike, double partition, double crash, double loseUnsynced, double pause,
        double propose, double read, double confChange, double transfer, double disrupt,
        int snapshotEvery, double snapshotUnavailable, double batch) {

    static final String REPLAY_PROPERTY = "katd.sim.scenario";

    /** A moderate scenario: every fault on, at rates that still let the cluster work. */
    static Scenario typical(long seed, int size) {
        return new Scenario(seed, size, true, true, false, 1, 256, 1 << 20, 0, 250, 0.05,
                0.02, 10, 0.01, 0.02, 0.01, 0.5, 0.005, 0.5, 0.2, 0.03, 0.01, 0.005, 8,
                0.1, 0.2);
    }

    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(",");
        for (RecordComponent c : Scenario.class.getRecordComponents()) {
            j.add(c.getName() + "=" + component(c));
        }
        return j.toString();
    }

    private Object component(RecordComponent c) {
        try {
            return c.getAccessor().invoke(this);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the form written by {@link #toString}; every component must be present. */
    static Scenario parse(String s) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : s.trim().split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("not name=value: " + pair);
            }
            values.put(kv[0].trim(), kv[1].trim());
        }
        RecordComponent[] comps = Scenario.class.getRecordComponents();
        Object[] args = new Object[comps.length];
        Class<?>[] types = new Class<?>[comps.length];
        for (int i = 0; i < comps.length; i++) {
            String v = values.remove(comps[i].getName());
            if (v == null) {
                throw new IllegalArgumentException("missing " + comps[i].getName());
            }
            types[i] = comps[i].getType();
            args[i] = convert(types[i], v);
        }
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("unknown parameters " + values.keySet());
        }
        return construct(types, args);
    }

    private static Scenario construct(Class<?>[] types, Object[] args) {
        try {
            Constructor<Scenario> ctor = Scenario.class.getDeclaredConstructor(types);
            return ctor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object convert(Class<?> type, String v) {
        if (type == long.class) {
            return Long.parseLong(v);
        } else if (type == int.class) {
            return Integer.parseInt(v);
        } else if (type == boolean.class) {
            return Boolean.parseBoolean(v);
        } else if (type == double.class) {
            return Double.parseDouble(v);
        }
        throw new IllegalStateException("unsupported parameter type " + type);
    }

    /** The command that replays this scenario alone. */
    String replayCommand() {
        return "mvn -B -q -pl raft-core -am test -Dtest=SimulationReplayTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -D" + REPLAY_PROPERTY + "='"
                + this + "'";
    }

    /**
     * A builder that sets one parameter at a time by name, for generators; unset
     * parameters keep the values of {@link #typical}.
     */
    static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();

        Builder() {
            Scenario t = typical(0, 3);
            for (RecordComponent c : Scenario.class.getRecordComponents()) {
                values.put(c.getName(), t.component(c));
            }
        }

        Builder with(String name, Object value) {
            if (!values.containsKey(name)) {
                throw new IllegalArgumentException("no scenario parameter " + name);
            }
            values.put(name, value);
            return this;
        }

        Scenario build() {
            RecordComponent[] comps = Scenario.class.getRecordComponents();
            Class<?>[] types = new Class<?>[comps.length];
            for (int i = 0; i < comps.length; i++) {
                types[i] = comps[i].getType();
            }
            return construct(types, values.values().toArray());
        }
    }
}

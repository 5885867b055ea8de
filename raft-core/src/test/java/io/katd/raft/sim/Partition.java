package io.katd.raft.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A set of cut directed links between nodes. Nodes that did not exist when the partition
 * was made are reachable from everyone. A clogging partition holds messages on its cut
 * links and releases them in a burst when it heals, instead of dropping them.
 */
final class Partition {
    enum Kind { SYMMETRIC, ONE_WAY, ISOLATE_LEADER, BRIDGE, MAJORITY_RING, CLOG }

    static final Partition NONE = new Partition(Kind.SYMMETRIC, new HashSet<>());

    final Kind kind;
    private final Set<Long> cut;

    private Partition(Kind kind, Set<Long> cut) {
        this.kind = kind;
        this.cut = cut;
    }

    boolean blocks(long from, long to) {
        return !cut.isEmpty() && cut.contains(link(from, to));
    }

    boolean holds() {
        return kind == Kind.CLOG;
    }

    private static long link(long from, long to) {
        return from << 32 | to;
    }

    /**
     * A partition of the given kind over {@code ids}; {@code leader} (0 if unknown) is the
     * node to isolate for {@link Kind#ISOLATE_LEADER}.
     */
    static Partition create(Kind kind, List<Long> ids, long leader, RandomGenerator random) {
        List<Long> order = shuffled(ids, random);
        Set<Long> cut = new HashSet<>();
        int n = order.size();
        switch (kind) {
            case SYMMETRIC, CLOG -> {
                int split = 1 + random.nextInt(n - 1);
                cutBetween(order.subList(0, split), order.subList(split, n), cut);
            }
            case ONE_WAY -> {
                long victim = order.get(0);
                boolean deaf = random.nextBoolean();
                for (long other : order.subList(1, n)) {
                    cut.add(deaf ? link(other, victim) : link(victim, other));
                }
            }
            case ISOLATE_LEADER -> {
                long victim = leader != 0 && ids.contains(leader) ? leader : order.get(0);
                order.remove(Long.valueOf(victim));
                cutBetween(List.of(victim), order, cut);
            }
            case BRIDGE -> {
                // order.get(0) is the bridge: it talks to both sides, which cannot talk.
                int split = 1 + (n - 1) / 2;
                cutBetween(order.subList(1, split), order.subList(split, n), cut);
            }
            case MAJORITY_RING -> {
                // Each node hears only its two ring neighbours: every node is in some
                // majority, but no majority is connected.
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        int d = Math.abs(i - j);
                        if (i != j && d != 1 && d != n - 1) {
                            cut.add(link(order.get(i), order.get(j)));
                        }
                    }
                }
            }
        }
        return new Partition(kind, cut);
    }

    private static void cutBetween(List<Long> a, List<Long> b, Set<Long> cut) {
        for (long x : a) {
            for (long y : b) {
                cut.add(link(x, y));
                cut.add(link(y, x));
            }
        }
    }

    private static List<Long> shuffled(List<Long> ids, RandomGenerator random) {
        List<Long> order = new ArrayList<>(ids);
        for (int i = order.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Long t = order.get(i);
            order.set(i, order.get(j));
            order.set(j, t);
        }
        return order;
    }

    @Override
    public String toString() {
        return kind + "(" + cut.size() + " links)";
    }
}

package io.katd.raft.scenario;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The randomness a scenario node draws its election timeouts from. Without a seed every
 * bounded draw is 0, so each randomized timeout equals electionTicks and a scenario can
 * count ticks exactly; with a seed the draws come from a SplittableRandom, so the file
 * still replays identically. It remembers the last bounded draw, which is how a scenario
 * shows the node's current randomized timeout.
 */
final class ScenarioRandom implements RandomGenerator {
    private final SplittableRandom source;
    private int lastDraw;

    /** @param seed the seed, or null for draws that are always 0 */
    ScenarioRandom(Long seed) {
        this.source = seed == null ? null : new SplittableRandom(seed);
    }

    @Override
    public long nextLong() {
        return source == null ? 0 : source.nextLong();
    }

    @Override
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, was " + bound);
        }
        lastDraw = source == null ? 0 : source.nextInt(bound);
        return lastDraw;
    }

    @Override
    public int nextInt(int origin, int bound) {
        if (origin >= bound) {
            throw new IllegalArgumentException("empty range [" + origin + ", " + bound + ")");
        }
        return origin + nextInt(bound - origin);
    }

    int lastDraw() {
        return lastDraw;
    }
}

package io.katd.raft.sim;

import io.katd.proto.raft.Entry;

/**
 * The chained entry hash shared by the simulated logs and state machines: the hash at
 * index i covers every entry up to i, so two logs agree on a whole prefix exactly when
 * they agree on its last hash. State machines and logs use the same chain, so a snapshot
 * (which carries the state machine's hash) can stand in for the prefix it replaces.
 */
final class Hashes {
    /** The chain value of the bootstrap snapshot at index 1 that every cluster starts from. */
    static final long GENESIS = 0x6b61_7464_0000_0001L;

    private Hashes() {}

    static long chain(long prev, Entry e) {
        long h = mix(prev ^ 0x9E37_79B9_7F4A_7C15L);
        h = mix(h + e.getIndex());
        h = mix(h ^ e.getTerm());
        h = mix(h + e.getTypeValue());
        return mix(h ^ e.getData().hashCode());
    }

    /** Folds a string into a running 64-bit FNV-1a hash. */
    static long fold(long h, String s) {
        long r = h;
        for (int i = 0; i < s.length(); i++) {
            r ^= s.charAt(i);
            r *= 0x100_0000_01B3L;
        }
        return r;
    }

    // The MurmurHash3 finalizer: every input bit affects every output bit.
    private static long mix(long z) {
        long x = z;
        x ^= x >>> 33;
        x *= 0xFF51_AFD7_ED55_8CCDL;
        x ^= x >>> 33;
        x *= 0xC4CE_B9FE_1A85_EC53L;
        x ^= x >>> 33;
        return x;
    }
}

package io.katd.kv.mvcc;

/**
 * A point in the store's history: the main revision of one write transaction and the position
 * of one change inside it. Changes of one transaction share the main revision and are ordered
 * by their sub revision, starting at zero.
 */
record Revision(long main, long sub) implements Comparable<Revision> {

    Revision {
        // The store starts at revision 1 with no data, so every stored change is at 2 or later;
        // 1 is accepted because it is a valid bound for scans and lookups.
        if (main < 1) {
            throw new IllegalArgumentException("main revision must be >= 1, got " + main);
        }
        if (sub < 0) {
            throw new IllegalArgumentException("sub revision must be >= 0, got " + sub);
        }
    }

    @Override
    public int compareTo(Revision other) {
        int byMain = Long.compare(main, other.main);
        return byMain != 0 ? byMain : Long.compare(sub, other.sub);
    }

    @Override
    public String toString() {
        return main + "." + sub;
    }
}

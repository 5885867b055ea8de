package io.katd.raft.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * A ReadIndex answer is linearizable: its index is at least every index known committed
 * before the read was requested (or the read could miss a completed write), at most what
 * is known committed when the answer arrives, and it answers a read that this node asked.
 */
final class ReadIndexSafety implements Checker {
    private record Request(long node, long knownCommit) {}

    private final Map<String, Request> requests = new HashMap<>();

    @Override
    public void on(Event e) {
        if (e instanceof Event.ReadRequested r) {
            if (requests.putIfAbsent(r.ctx(), new Request(r.node(), r.knownCommit())) != null) {
                throw violation("read context " + r.ctx() + " was used twice");
            }
        } else if (e instanceof Event.ReadAnswered a) {
            check(a);
        }
    }

    private void check(Event.ReadAnswered a) {
        Request r = requests.get(a.ctx());
        if (r == null || r.node() != a.node()) {
            throw violation("node " + a.node() + " got an answer for read " + a.ctx()
                    + " that it never requested");
        }
        if (a.index() < r.knownCommit()) {
            throw violation("read " + a.ctx() + " answered with index " + a.index()
                    + " although " + r.knownCommit() + " was committed before it was asked");
        }
        if (a.index() > a.knownCommit()) {
            throw violation("read " + a.ctx() + " answered with index " + a.index()
                    + " beyond the highest committed index " + a.knownCommit());
        }
    }

    private static InvariantViolation violation(String message) {
        return new InvariantViolation("ReadIndexSafety", message);
    }
}

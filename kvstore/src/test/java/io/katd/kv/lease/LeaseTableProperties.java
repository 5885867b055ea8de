package io.katd.kv.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random grants, revocations, attaches, detaches and snapshot round trips give the same table
 * as a plain model after every step, and two tables fed the same operations end with the same
 * snapshot bytes: the table is a deterministic part of the replicated state.
 */
class LeaseTableProperties {

    private static final List<String> KEYS = List.of("a", "b", "c", "d", "e", "f");

    /** One operation; {@code id} 0 in a grant lets the table choose. */
    record Op(Kind kind, long id, long ttlSeconds, String key) {
        enum Kind { GRANT, REVOKE, ATTACH, DETACH, SNAPSHOT_RESTORE }
    }

    /** The dumb model: leases by id, keys to leases, and the next id a grant without id takes. */
    private static final class Model {
        final TreeMap<Long, Long> ttls = new TreeMap<>();
        final Map<String, Long> leaseOfKey = new HashMap<>();
        long nextId = 1;
    }

    @Property(tries = 300, seed = "-2290134509882716310")
    void theTableBehavesLikeTheModelAndIsDeterministic(@ForAll("ops") List<Op> ops) {
        LeaseTable table = new LeaseTable();
        LeaseTable twin = new LeaseTable();
        Model model = new Model();
        for (Op op : ops) {
            apply(table, model, op);
            applyQuietly(twin, op);
            checkEqual(table, model);
        }
        assertThat(twin.snapshot()).isEqualTo(table.snapshot());
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Long> ids = Arbitraries.longs().between(0, 8);
        return Combinators.combine(Arbitraries.of(Op.Kind.class), ids,
                Arbitraries.longs().between(1, 100), Arbitraries.of(KEYS))
                .as(Op::new).list().ofMaxSize(60);
    }

    private static void apply(LeaseTable table, Model model, Op op) {
        switch (op.kind()) {
            case GRANT -> grant(table, model, op);
            case REVOKE -> {
                if (!model.ttls.containsKey(op.id())) {
                    assertThatThrownBy(() -> table.revoke(op.id()))
                            .isInstanceOf(LeaseNotFoundException.class);
                    return;
                }
                List<ByteString> expected = new ArrayList<>();
                new TreeMap<>(model.leaseOfKey).forEach((key, lease) -> {
                    if (lease == op.id()) {
                        expected.add(ByteString.copyFromUtf8(key));
                    }
                });
                assertThat(table.revoke(op.id())).isEqualTo(expected);
                model.ttls.remove(op.id());
                model.leaseOfKey.values().removeIf(lease -> lease == op.id());
            }
            case ATTACH -> {
                if (!model.ttls.containsKey(op.id())) {
                    assertThatThrownBy(() -> table.attach(op.id(), b(op.key())))
                            .isInstanceOf(LeaseNotFoundException.class);
                    return;
                }
                table.attach(op.id(), b(op.key()));
                model.leaseOfKey.put(op.key(), op.id());
            }
            case DETACH -> assertThat(table.detach(b(op.key())))
                    .isEqualTo(orNoLease(model.leaseOfKey.remove(op.key())));
            case SNAPSHOT_RESTORE -> {
                LeaseTable fresh = new LeaseTable();
                fresh.restore(table.snapshot());
                table.restore(fresh.snapshot());
            }
            default -> throw new AssertionError(op);
        }
    }

    private static void grant(LeaseTable table, Model model, Op op) {
        if (op.id() != 0 && model.ttls.containsKey(op.id())) {
            assertThatThrownBy(() -> table.grant(op.id(), op.ttlSeconds()))
                    .isInstanceOf(LeaseExistsException.class);
            return;
        }
        long id = op.id();
        if (id == 0) {
            id = model.nextId;
            while (model.ttls.containsKey(id)) {
                id++;
            }
            model.nextId = id + 1;
        }
        assertThat(table.grant(op.id(), op.ttlSeconds()))
                .isEqualTo(new Lease(id, op.ttlSeconds(), List.of()));
        model.ttls.put(id, op.ttlSeconds());
    }

    private static void applyQuietly(LeaseTable table, Op op) {
        try {
            switch (op.kind()) {
                case GRANT -> table.grant(op.id(), op.ttlSeconds());
                case REVOKE -> table.revoke(op.id());
                case ATTACH -> table.attach(op.id(), b(op.key()));
                case DETACH -> table.detach(b(op.key()));
                case SNAPSHOT_RESTORE -> table.restore(table.snapshot());
                default -> throw new AssertionError(op);
            }
        } catch (LeaseNotFoundException | LeaseExistsException expected) {
            // Refused operations change nothing; the model check covers which ones are refused.
        }
    }

    private static void checkEqual(LeaseTable table, Model model) {
        List<Lease> expected = new ArrayList<>();
        model.ttls.forEach((id, ttl) -> expected.add(new Lease(id, ttl, List.of())));
        assertThat(table.list()).isEqualTo(expected);
        for (String key : KEYS) {
            long lease = orNoLease(model.leaseOfKey.get(key));
            assertThat(table.leaseOf(b(key))).as("lease of %s", key).isEqualTo(lease);
            if (lease != LeaseTable.NO_LEASE) {
                assertThat(table.get(lease, true).keys()).contains(b(key));
            }
        }
    }

    private static long orNoLease(Long lease) {
        return lease == null ? LeaseTable.NO_LEASE : lease;
    }

    private static ByteString b(String utf8) {
        return ByteString.copyFromUtf8(utf8);
    }
}

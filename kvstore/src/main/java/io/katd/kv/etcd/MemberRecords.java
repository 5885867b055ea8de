package io.katd.kv.etcd;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.katd.kv.RaftStateStore;
import io.katd.kv.mvcc.KeyRanges;
import io.katd.kv.sm.KvStateMachine;
import io.katd.proto.etcd.etcdserverpb.PutRequest;
import io.katd.proto.etcd.etcdserverpb.RangeRequest;
import io.katd.proto.etcd.etcdserverpb.RequestOp;
import io.katd.proto.etcd.etcdserverpb.TxnRequest;
import io.katd.proto.etcd.mvccpb.KeyValue;
import io.katd.proto.kv.KvCommand;
import io.katd.proto.member.MemberRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The member records in the replicated KV: one {@link MemberRecord} per member under
 * {@code /kat/members/<16 lower-case hex digits of the id>}.
 */
public final class MemberRecords {
    /** The reserved prefix of the member records. */
    public static final ByteString PREFIX = ByteString.copyFromUtf8("/kat/members/");

    private MemberRecords() {
    }

    /** The key of member {@code id}'s record. */
    public static ByteString key(long id) {
        return PREFIX.concat(ByteString.copyFromUtf8(String.format(Locale.ROOT, "%016x", id)));
    }

    /**
     * Writes the records of a cluster's first members through the log, in one transaction;
     * call once at bootstrap, on any member, once the cluster has a leader. Completes with
     * the revision of the write.
     *
     * @throws IllegalArgumentException if a record has id 0 or two records share an id
     */
    public static CompletableFuture<Long> bootstrap(RaftStateStore store,
            List<MemberRecord> records) {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (MemberRecord r : records) {
            if (r.getId() == 0) {
                throw new IllegalArgumentException("a member record needs a non-zero id: " + r);
            }
            if (!ids.add(r.getId())) {
                throw new IllegalArgumentException("two member records have id " + r.getId());
            }
            txn.addSuccess(RequestOp.newBuilder().setRequestPut(put(r)));
        }
        return store.proposeCommand(KvCommand.newBuilder().setTxn(txn).build()).thenApply(r -> {
            if (r.hasRejected()) {
                throw new IllegalStateException("the member records were refused: "
                        + r.getRejected().getMessage());
            }
            return r.getTxn().getHeader().getRevision();
        });
    }

    static PutRequest put(MemberRecord r) {
        return PutRequest.newBuilder().setKey(key(r.getId())).setValue(r.toByteString()).build();
    }

    /** The records as applied on this member, in id order. */
    static List<MemberRecord> local(KvStateMachine sm) {
        try {
            List<MemberRecord> out = new ArrayList<>();
            for (KeyValue kv : sm.range(RangeRequest.newBuilder().setKey(PREFIX)
                    .setRangeEnd(KeyRanges.prefixEnd(PREFIX)).build()).getKvsList()) {
                out.add(parse(kv));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The record of member {@code id} as applied on this member, if there is one. */
    public static Optional<MemberRecord> local(KvStateMachine sm, long id) {
        try {
            List<KeyValue> kvs = sm.range(RangeRequest.newBuilder().setKey(key(id)).build())
                    .getKvsList();
            return kvs.isEmpty() ? Optional.empty() : Optional.of(parse(kvs.get(0)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MemberRecord parse(KeyValue kv) {
        try {
            return MemberRecord.parseFrom(kv.getValue());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the value of " + kv.getKey().toStringUtf8()
                    + " is not a member record", e);
        }
    }
}

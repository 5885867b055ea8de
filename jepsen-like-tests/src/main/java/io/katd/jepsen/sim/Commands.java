package io.katd.jepsen.sim;

import com.google.protobuf.ByteString;
import io.katd.proto.etcd.etcdserverpb.Compare;
import io.katd.proto.etcd.etcdserverpb.CompactionRequest;
import io.katd.proto.etcd.etcdserverpb.DeleteRangeRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseGrantRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseKeepAliveRequest;
import io.katd.proto.etcd.etcdserverpb.LeaseRevokeRequest;
import io.katd.proto.etcd.etcdserverpb.PutRequest;
import io.katd.proto.etcd.etcdserverpb.RequestOp;
import io.katd.proto.etcd.etcdserverpb.TxnRequest;
import io.katd.proto.kv.KvCommand;

/** The KvCommands the simulated clients send. */
final class Commands {
  private Commands() {}

  static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static KvCommand put(String key, String value, long lease, long fenceTerm) {
    return KvCommand.newBuilder().setFenceTerm(fenceTerm).setPut(PutRequest.newBuilder()
        .setKey(b(key)).setValue(b(value)).setLease(lease)).build();
  }

  static KvCommand delete(String key) {
    return KvCommand.newBuilder().setDeleteRange(DeleteRangeRequest.newBuilder()
        .setKey(b(key))).build();
  }

  /** Puts {@code value} if the key holds {@code expected} ("" meaning absent). */
  static KvCommand cas(String key, String expected, String value) {
    Compare.Builder c = Compare.newBuilder().setKey(b(key)).setResult(
        Compare.CompareResult.EQUAL);
    if (expected.isEmpty()) {
      c.setTarget(Compare.CompareTarget.VERSION).setVersion(0);
    } else {
      c.setTarget(Compare.CompareTarget.VALUE).setValue(b(expected));
    }
    return KvCommand.newBuilder().setTxn(TxnRequest.newBuilder().addCompare(c)
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
            .setKey(b(key)).setValue(b(value))))).build();
  }

  /** Puts two keys in one revision. */
  static KvCommand putBoth(String k1, String v1, String k2, String v2) {
    return KvCommand.newBuilder().setTxn(TxnRequest.newBuilder()
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
            .setKey(b(k1)).setValue(b(v1))))
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
            .setKey(b(k2)).setValue(b(v2))))).build();
  }

  static KvCommand grant(long id, long ttlSeconds) {
    return KvCommand.newBuilder().setLeaseGrant(LeaseGrantRequest.newBuilder().setID(id)
        .setTTL(ttlSeconds)).build();
  }

  static KvCommand keepAlive(long id) {
    return KvCommand.newBuilder().setLeaseKeepAlive(LeaseKeepAliveRequest.newBuilder()
        .setID(id)).build();
  }

  static KvCommand revoke(long id) {
    return KvCommand.newBuilder().setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(id))
        .build();
  }

  static KvCommand compact(long revision) {
    return KvCommand.newBuilder().setCompaction(CompactionRequest.newBuilder()
        .setRevision(revision)).build();
  }
}

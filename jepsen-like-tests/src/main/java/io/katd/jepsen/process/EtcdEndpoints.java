package io.katd.jepsen.process;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.katd.proto.etcd.etcdserverpb.ClusterGrpc;
import io.katd.proto.etcd.etcdserverpb.Compare;
import io.katd.proto.etcd.etcdserverpb.HashKVRequest;
import io.katd.proto.etcd.etcdserverpb.HashKVResponse;
import io.katd.proto.etcd.etcdserverpb.KVGrpc;
import io.katd.proto.etcd.etcdserverpb.MaintenanceGrpc;
import io.katd.proto.etcd.etcdserverpb.MemberListRequest;
import io.katd.proto.etcd.etcdserverpb.MemberListResponse;
import io.katd.proto.etcd.etcdserverpb.MemberRemoveRequest;
import io.katd.proto.etcd.etcdserverpb.MemberRemoveResponse;
import io.katd.proto.etcd.etcdserverpb.PutRequest;
import io.katd.proto.etcd.etcdserverpb.PutResponse;
import io.katd.proto.etcd.etcdserverpb.RangeRequest;
import io.katd.proto.etcd.etcdserverpb.RangeResponse;
import io.katd.proto.etcd.etcdserverpb.RequestOp;
import io.katd.proto.etcd.etcdserverpb.StatusRequest;
import io.katd.proto.etcd.etcdserverpb.StatusResponse;
import io.katd.proto.etcd.etcdserverpb.TxnRequest;
import io.katd.proto.etcd.etcdserverpb.TxnResponse;
import io.katd.proto.etcd.etcdserverpb.WatchGrpc;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel per member's client URL and the etcd v3 calls the run makes, each with a
 * deadline. Calls throw {@link io.grpc.StatusRuntimeException} on failure.
 */
final class EtcdEndpoints implements AutoCloseable {
  // By member index; members that join later are appended.
  private final List<ManagedChannel> channels = new java.util.concurrent.CopyOnWriteArrayList<>();

  EtcdEndpoints(List<Member> members) {
    members.forEach(this::add);
  }

  /** A channel to a member that joined; its index must be the next one. */
  synchronized void add(Member m) {
    if (m.index() != channels.size()) {
      throw new IllegalArgumentException("member " + m.name() + " has index " + m.index()
          + ", the next free one is " + channels.size());
    }
    channels.add(ManagedChannelBuilder.forAddress("127.0.0.1", m.clientPort()).usePlaintext()
        .build());
  }

  int size() {
    return channels.size();
  }

  /** After a member comes back: reconnect now rather than after the channel's backoff. */
  void reconnect(int member) {
    channels.get(member).resetConnectBackoff();
  }

  void reconnectAll() {
    channels.forEach(ManagedChannel::resetConnectBackoff);
  }

  static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  private KVGrpc.KVBlockingStub kv(int member, Duration timeout) {
    return KVGrpc.newBlockingStub(channels.get(member)).withDeadlineAfter(timeout.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private MaintenanceGrpc.MaintenanceBlockingStub maintenance(int member, Duration timeout) {
    return MaintenanceGrpc.newBlockingStub(channels.get(member)).withDeadlineAfter(
        timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  WatchGrpc.WatchStub watch(int member) {
    return WatchGrpc.newStub(channels.get(member));
  }

  /** A linearizable (or, if asked, serializable) read of one key. */
  RangeResponse get(int member, String key, boolean serializable, Duration timeout) {
    return kv(member, timeout).range(RangeRequest.newBuilder().setKey(bytes(key))
        .setSerializable(serializable).build());
  }

  /** Every key from {@code from} up to, not including, {@code to}. */
  RangeResponse range(int member, String from, String to, boolean serializable,
      Duration timeout) {
    return kv(member, timeout).range(RangeRequest.newBuilder().setKey(bytes(from))
        .setRangeEnd(bytes(to)).setSerializable(serializable).build());
  }

  PutResponse put(int member, String key, String value, Duration timeout) {
    return kv(member, timeout).put(PutRequest.newBuilder().setKey(bytes(key))
        .setValue(bytes(value)).build());
  }

  /** Puts {@code value} if the key holds {@code expected}, in one transaction. */
  TxnResponse cas(int member, String key, String expected, String value, Duration timeout) {
    return kv(member, timeout).txn(TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(bytes(key))
            .setTarget(Compare.CompareTarget.VALUE).setResult(Compare.CompareResult.EQUAL)
            .setValue(bytes(expected)))
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
            .setKey(bytes(key)).setValue(bytes(value))))
        .build());
  }

  MemberListResponse memberList(int member, Duration timeout) {
    return ClusterGrpc.newBlockingStub(channels.get(member)).withDeadlineAfter(
        timeout.toMillis(), TimeUnit.MILLISECONDS).memberList(MemberListRequest.newBuilder()
        .setLinearizable(true).build());
  }

  MemberRemoveResponse memberRemove(int member, long id, Duration timeout) {
    return ClusterGrpc.newBlockingStub(channels.get(member)).withDeadlineAfter(
        timeout.toMillis(), TimeUnit.MILLISECONDS).memberRemove(MemberRemoveRequest
        .newBuilder().setID(id).build());
  }

  StatusResponse status(int member, Duration timeout) {
    return maintenance(member, timeout).status(StatusRequest.getDefaultInstance());
  }

  HashKVResponse hashKv(int member, long revision, Duration timeout) {
    return maintenance(member, timeout).hashKV(HashKVRequest.newBuilder()
        .setRevision(revision).build());
  }

  @Override
  public void close() {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
  }
}

package io.katd.kv.etcd;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.katd.proto.etcd.etcdserverpb.WatchGrpc;
import io.katd.proto.etcd.etcdserverpb.WatchRequest;
import io.katd.proto.etcd.etcdserverpb.WatchResponse;

/** etcd's Watch service: each call is a {@link WatchStream} over this member's hub. */
final class WatchService extends WatchGrpc.WatchImplBase {
    private final ServerContext member;

    WatchService(ServerContext member) {
        this.member = member;
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> out) {
        return new WatchStream(member, (ServerCallStreamObserver<WatchResponse>) out);
    }
}

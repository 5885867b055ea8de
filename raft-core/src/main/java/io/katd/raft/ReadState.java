package io.katd.raft;

import com.google.protobuf.ByteString;

/**
 * A read request confirmed safe: once this node has applied up to {@code index}, a read
 * of its state machine is linearizable. {@code requestCtx} is the caller's unique token
 * that identifies the request.
 */
public record ReadState(long index, ByteString requestCtx) {}

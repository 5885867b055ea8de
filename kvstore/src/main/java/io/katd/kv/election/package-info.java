/**
 * Leadership from the Raft role rather than from an election on top of the store.
 *
 * <p>When the node becomes Raft leader in term T it promotes its lease deadlines and proposes,
 * fenced by T, the record {@code /kat/leader} = {leader name, node id, T} (attached to a lease
 * when a campaign asked for one). Once that entry applies, the leadership of T is
 * established: it is the first entry of T this node committed, so everything committed before
 * is applied here. Waiting campaigns then complete with the term (the fencing token) and a
 * {@code lost} future, which completes when the node's role leaves LEADER (CheckQuorum
 * step-down, transfer, a higher term) or the store closes. A campaign never forces an
 * election: a follower's campaign completes when the node is made leader by Raft (timeouts
 * or a transfer to it).
 *
 * <p>While leading, a poll on the injected scheduler renews the record's lease and proposes,
 * fenced by T, the revocation of each lease whose deadline passed; a deposed leader's
 * revocations are thus rejected. Resign transfers leadership to the voter with the highest
 * match index in the leader's progress and completes when this node's leadership is lost.
 */
package io.katd.kv.election;

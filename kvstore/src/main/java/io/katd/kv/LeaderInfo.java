package io.katd.kv;

/**
 * A leader as recorded in {@code /kat/leader}.
 *
 * @param leaderId the name the leader campaigned with (its member name otherwise)
 * @param nodeId the Raft id of the leader
 * @param term the term of its leadership: the fencing token
 */
public record LeaderInfo(String leaderId, long nodeId, long term) {
}

package io.katd.kv.etcd;

import java.util.List;

/**
 * Where the peer transport learns members' peer URLs. {@link PeerAddressFollower} calls it
 * from the member records: once for every record at start, then for every change.
 * Implementations must be thread-safe and must not block.
 */
public interface PeerAddressBook {

    /** Member {@code memberId} is reachable at {@code peerUrls} (new or changed). */
    void upsert(long memberId, List<String> peerUrls);

    /** Member {@code memberId}'s record was removed. */
    void remove(long memberId);
}

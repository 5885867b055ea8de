package io.katd.kv.lease;

/** A grant named a lease id that is already granted. */
public final class LeaseExistsException extends RuntimeException {

    private final long leaseId;

    public LeaseExistsException(long leaseId) {
        super("lease " + leaseId + " already exists");
        this.leaseId = leaseId;
    }

    public long leaseId() {
        return leaseId;
    }
}

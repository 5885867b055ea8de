package io.katd.kv.lease;

/** The lease does not exist (never granted, revoked, or expired and about to be revoked). */
public final class LeaseNotFoundException extends RuntimeException {

    private final long leaseId;

    public LeaseNotFoundException(long leaseId) {
        this(leaseId, "lease " + leaseId + " not found");
    }

    LeaseNotFoundException(long leaseId, String message) {
        super(message);
        this.leaseId = leaseId;
    }

    public long leaseId() {
        return leaseId;
    }
}

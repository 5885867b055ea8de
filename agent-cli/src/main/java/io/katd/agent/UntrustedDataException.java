package io.katd.agent;

/**
 * A member's data directory cannot be trusted (its Raft log was lost or wiped, or its files
 * are damaged), so the member refuses to start. The message names the directory, what is
 * wrong and what to do; it is printed as is, without a stack trace, and the process exits
 * with 1. Never a reason to guess or repair: the operator decides.
 */
final class UntrustedDataException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    UntrustedDataException(String message) {
        super(message);
    }
}

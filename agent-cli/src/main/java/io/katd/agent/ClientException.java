package io.katd.agent;

/**
 * A client command failed at run time: no endpoint answered, or the server refused the
 * request. The message says what failed and is printed as is; the command exits with 1.
 */
final class ClientException extends RuntimeException {
    ClientException(String message) {
        super(message);
    }

    ClientException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.katd.agent;

/**
 * A configuration error: a bad value in cluster.kat or on the command line. The message
 * names where the value came from (file and line, or the command line), the field and
 * what is wrong, and is printed as is; the command exits with status 2.
 */
final class ConfigException extends RuntimeException {
    ConfigException(String message) {
        super(message);
    }

    ConfigException(Origin origin, String field, String problem) {
        super(origin.where() + ": " + field + ": " + problem);
    }
}

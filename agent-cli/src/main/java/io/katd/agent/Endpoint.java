package io.katd.agent;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * A URL of a member, as etcd writes them: {@code http://127.0.0.1:2380} (or https), with
 * a host and a port and no path.
 */
record Endpoint(String scheme, String host, int port) {

    /** The endpoint {@code text} denotes, or the reason it denotes none. */
    static Parsed parse(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            return Parsed.bad(Cidrs.quote(text) + " is not a URL (use http://127.0.0.1:2380)");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
            return Parsed.bad(Cidrs.quote(text) + " must start with http:// or https://");
        }
        if (uri.getHost() == null) {
            return Parsed.bad(Cidrs.quote(text) + " names no host");
        }
        if (uri.getPort() == -1) {
            return Parsed.bad(Cidrs.quote(text) + " names no port");
        }
        if (uri.getPort() < 1 || uri.getPort() > 65535) {
            return Parsed.bad(Cidrs.quote(text) + ": port " + uri.getPort()
                    + " is out of range (1-65535)");
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null) {
            return Parsed.bad(Cidrs.quote(text) + " must not have a path or query");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Parsed(Optional.of(new Endpoint(scheme, host, uri.getPort())),
                Optional.empty());
    }

    /** The outcome of {@link #parse}: an endpoint or a problem. */
    record Parsed(Optional<Endpoint> endpoint, Optional<String> problem) {
        static Parsed bad(String problem) {
            return new Parsed(Optional.empty(), Optional.of(problem));
        }
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return scheme + "://" + h + ":" + port;
    }
}

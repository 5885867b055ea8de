package io.katd.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** HTTP for operators: {@code GET /health} (JSON, 200 or 503) and {@code GET /metrics}. */
final class OpsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private OpsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Listens on {@code address} and serves until closed.
     *
     * @throws IOException when the address cannot be bound
     */
    static OpsServer start(InetSocketAddress address, Supplier<Health.Report> health,
            Metrics metrics) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        server.createContext("/health", ex -> {
            Health.Report r = health.get();
            respond(ex, r.healthy() ? 200 : 503, "application/json", r.json() + "\n");
        });
        server.createContext("/metrics", ex -> respond(ex, 200, Metrics.CONTENT_TYPE,
                metrics.scrape()));
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "katd-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return new OpsServer(server, executor);
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    private static void respond(HttpExchange ex, int status, String type, String body)
            throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

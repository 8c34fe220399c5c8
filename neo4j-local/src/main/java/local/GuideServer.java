package local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Serves the project's Browser guide and GraSS style (two files of one folder) on a loopback port.
 * Neo4j Browser fetches both with CORS requests from its own origin, so this answers the
 * preflight OPTIONS and sends Access-Control-Allow-Origin for that origin only. Files are read
 * on every request, so a regenerated guide shows on the next connect.
 */
final class GuideServer {
    static final String GUIDE = "guide.html";
    static final String STYLE = "style.grass";
    private static final Map<String, String> TYPES = Map.of(
            GUIDE, "text/html; charset=utf-8", STYLE, "text/plain; charset=utf-8");

    private final HttpServer server;

    private GuideServer(HttpServer server) {
        this.server = server;
    }

    static GuideServer start(Path folder, int port, int browserPort) throws IOException {
        Path dir = folder.toAbsolutePath();
        for (String name : TYPES.keySet()) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                throw new IOException("no " + name + " in " + dir + " (write it with `citygraph browser-guide --out " + folder + "`)");
            }
        }
        Set<String> origins = Set.of("http://localhost:" + browserPort, "http://127.0.0.1:" + browserPort);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange, dir, origins);
            }
        });
        server.start();
        return new GuideServer(server);
    }

    private static void handle(HttpExchange exchange, Path dir, Set<String> origins) throws IOException {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        var headers = exchange.getResponseHeaders();
        if (origin != null && origins.contains(origin)) {
            headers.set("Access-Control-Allow-Origin", origin);
            headers.set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
            headers.set("Access-Control-Allow-Headers", "*");
            headers.set("Vary", "Origin");
        }
        headers.set("Cache-Control", "no-store");
        String method = exchange.getRequestMethod();
        if (method.equals("OPTIONS")) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        String name = exchange.getRequestURI().getPath().replaceFirst("^/", "");
        String type = TYPES.get(name);
        if (type == null || !(method.equals("GET") || method.equals("HEAD"))) {
            exchange.sendResponseHeaders(type == null ? 404 : 405, -1);
            return;
        }
        byte[] body = Files.readAllBytes(dir.resolve(name));
        headers.set("Content-Type", type);
        if (method.equals("HEAD")) {
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    String url(String file) {
        return "http://localhost:" + server.getAddress().getPort() + "/" + file;
    }

    void stop() {
        server.stop(0);
    }
}

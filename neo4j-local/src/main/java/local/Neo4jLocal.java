package local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.commandline.admin.security.SetInitialPasswordCommand;
import org.neo4j.internal.kernel.api.connectioninfo.ClientConnectionInfo;
import org.neo4j.internal.kernel.api.security.AuthenticationResult;
import org.neo4j.kernel.api.security.AuthManager;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.server.CommunityBootstrapper;
import picocli.CommandLine;
import sun.misc.Signal;

/**
 * Runs a real Neo4j Community server (the same CommunityBootstrapper that `neo4j console` uses)
 * from Maven artifacts, with Bolt + HTTP + Neo4j Browser on localhost and auth enabled.
 */
public final class Neo4jLocal {
    private static final String USAGE = """
            Usage: neo4j-local [options]
              --bolt-port N      Bolt port            (env NEO4J_LOCAL_BOLT_PORT, default 7687)
              --http-port N      HTTP/Browser port    (env NEO4J_LOCAL_HTTP_PORT, default 7474)
              --data-dir DIR     persistent home dir  (env NEO4J_LOCAL_DATA_DIR,  default ./data)
              --password PW      password of 'neo4j'  (env NEO4J_LOCAL_PASSWORD,  default citygraph-dev)
              --ephemeral        use a fresh temp dir, deleted on shutdown (for tests)
              --guide-dir DIR    serve DIR's guide.html and style.grass on a loopback port and have the
                                 Browser play and apply them after connecting (env NEO4J_LOCAL_GUIDE_DIR)
              --guide-port N     port for --guide-dir (env NEO4J_LOCAL_GUIDE_PORT, default: a free one)
              -C key=value       any extra Neo4j setting, e.g. -C server.memory.pagecache.size=1g
            """;

    public static void main(String[] argv) throws Exception {
        int boltPort, httpPort;
        String dataDir = env("NEO4J_LOCAL_DATA_DIR", "data");
        String password = env("NEO4J_LOCAL_PASSWORD", "citygraph-dev");
        boolean ephemeral = false;
        String guideDir = env("NEO4J_LOCAL_GUIDE_DIR", null);
        int guidePort;
        Map<String, String> extra = new LinkedHashMap<>();
        try {
            boltPort = Integer.parseInt(env("NEO4J_LOCAL_BOLT_PORT", "7687"));
            httpPort = Integer.parseInt(env("NEO4J_LOCAL_HTTP_PORT", "7474"));
            guidePort = Integer.parseInt(env("NEO4J_LOCAL_GUIDE_PORT", "0"));
            for (int i = 0; i < argv.length; i++) {
                String flag = argv[i];
                switch (flag) {
                    case "--bolt-port" -> boltPort = Integer.parseInt(value(argv, ++i, flag));
                    case "--http-port" -> httpPort = Integer.parseInt(value(argv, ++i, flag));
                    case "--data-dir" -> dataDir = value(argv, ++i, flag);
                    case "--password" -> password = value(argv, ++i, flag);
                    case "--ephemeral" -> ephemeral = true;
                    case "--guide-dir" -> guideDir = value(argv, ++i, flag);
                    case "--guide-port" -> guidePort = Integer.parseInt(value(argv, ++i, flag));
                    case "-C" -> {
                        String[] kv = value(argv, ++i, flag).split("=", 2);
                        if (kv.length != 2) throw new IllegalArgumentException("-C expects key=value");
                        extra.put(kv[0], kv[1]);
                    }
                    case "-h", "--help" -> {
                        System.out.print(USAGE);
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown argument: " + flag);
                }
            }
        } catch (IllegalArgumentException e) { // includes NumberFormatException for bad ports
            System.err.println("neo4j-local: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }

        Path home = ephemeral
                ? Files.createTempDirectory("neo4j-local-")
                : Files.createDirectories(Path.of(dataDir)).toAbsolutePath();

        // Settings go in as overrides on top of the server defaults; no neo4j.conf is needed.
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("dbms.security.auth_enabled", "true");
        conf.put("server.default_listen_address", "localhost"); // never expose beyond this machine
        conf.put("server.default_advertised_address", "localhost");
        conf.put("server.bolt.listen_address", ":" + boltPort);
        conf.put("server.bolt.advertised_address", ":" + boltPort); // the Browser learns Bolt's port from this
        conf.put("server.http.listen_address", ":" + httpPort);
        conf.put("server.http.advertised_address", ":" + httpPort);
        conf.put("server.https.enabled", "false");
        conf.put("server.memory.pagecache.size", "256m"); // the default heuristic would claim half the RAM
        conf.put("dbms.usage_report.enabled", "false");
        // A transaction past its timeout (the API's request budget) is stopped when the monitor
        // next looks: every 2 s by default, which let answers run up to 2 s past the budget.
        conf.put("db.transaction.monitor.check.interval", "100ms");
        // Bolt's netty loops otherwise idle 2 x 5s before stopping; nothing is in flight by then.
        conf.put("internal.dbms.bolt.netty_server_shutdown_quiet_period", "0");
        // The Browser sends no usage data out; it plays the project's guide and style on connect.
        conf.put("client.allow_telemetry", "false");
        // http://localhost:<http port>/ redirects here: the connect form with user name and Bolt address filled in.
        conf.put("internal.dbms.uris.browser", "/browser/?dbms=neo4j://neo4j@localhost:" + boltPort);
        GuideServer guide = null;
        if (guideDir != null) {
            try {
                guide = GuideServer.start(Path.of(guideDir), guidePort, httpPort);
            } catch (IOException e) {
                System.err.println("neo4j-local: cannot serve the Browser guide: " + e.getMessage());
                System.exit(2);
                return;
            }
            conf.put("browser.post_connect_cmd",
                    "style " + guide.url(GuideServer.STYLE) + "; play " + guide.url(GuideServer.GUIDE));
            // 5.26 reads this older spelling; `..._allowlist` is refused by strict config validation.
            conf.put("browser.remote_content_hostname_whitelist", "localhost");
        }
        conf.putAll(extra);

        // Before the very first start the 'neo4j' user is created from an initial-user file;
        // writing it with neo4j-admin's own command avoids the default neo4j/neo4j + forced change.
        if (!Files.exists(home.resolve("data/databases/system"))) {
            int rc = new CommandLine(new SetInitialPasswordCommand(new ExecutionContext(home, home.resolve("conf"))))
                    .execute(password);
            if (rc != 0) {
                deleteIfEphemeral(ephemeral, home);
                System.exit(rc);
            }
        }

        long t0 = System.nanoTime();
        CommunityBootstrapper server = new CommunityBootstrapper();
        // Console mode (daemonMode=false): logs go to stdout as well as <home>/logs.
        int status = server.start(home, null, conf, false, false);
        if (status != 0) {
            server.stop();
            if (guide != null) guide.stop();
            deleteIfEphemeral(ephemeral, home);
            System.err.println("neo4j-local: Neo4j failed to start (status " + status + "), see " + home.resolve("logs"));
            System.exit(status);
        }

        try {
            // On later starts keep the stored password in line with the configured one (no-op if equal).
            syncPassword(server, password);
        } catch (Exception e) {
            System.err.println("neo4j-local: could not set the password: " + e.getMessage());
            server.stop();
            deleteIfEphemeral(ephemeral, home);
            System.exit(1);
        }

        // NeoBootstrapper's own signal handlers just call System.exit; replace them so that we shut the
        // DBMS down first and can then remove an ephemeral directory.
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());

        System.out.printf("Neo4j ready: bolt://localhost:%d http://localhost:%d/browser/ (user neo4j, data %s, started in %.1fs)%n",
                boltPort, httpPort, ephemeral ? home + " [ephemeral]" : home, (System.nanoTime() - t0) / 1e9);
        System.out.printf("Open http://localhost:%d/ for the Browser with user and Bolt address filled in%n", httpPort);
        if (guide != null) {
            System.out.printf("Browser guide and style on connect: %s%n", guide.url(GuideServer.GUIDE));
        }
        System.out.flush();

        stop.await();
        System.out.println("Neo4j stopping...");
        if (guide != null) guide.stop();
        int rc = server.stop();
        deleteIfEphemeral(ephemeral, home);
        System.out.println("Neo4j stopped.");
        System.exit(rc);
    }

    private static void syncPassword(CommunityBootstrapper server, String password) throws Exception {
        var system = (GraphDatabaseAPI) server.getDatabaseManagementService().database("system");
        // A direct login check is instant; running Cypher here would add ~4s of query-planner warm-up.
        AuthManager auth = system.getDependencyResolver().resolveDependency(AuthManager.class);
        Map<String, Object> token = new HashMap<>(Map.of(
                "scheme", "basic", "principal", "neo4j", "credentials", password.getBytes(StandardCharsets.UTF_8)));
        var result = auth.login(token, ClientConnectionInfo.EMBEDDED_CONNECTION).subject().getAuthenticationResult();
        if (result != AuthenticationResult.SUCCESS) {
            // Embedded transactions run with full privileges, so no login is needed for this.
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            System.out.println("neo4j-local: password of user 'neo4j' set to the configured one");
        }
    }

    private static String value(String[] argv, int i, String flag) {
        if (i >= argv.length) throw new IllegalArgumentException("missing value for " + flag);
        return argv[i];
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static void deleteIfEphemeral(boolean ephemeral, Path dir) throws IOException {
        if (!ephemeral) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}

package tracegraph.neo4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

/**
 * Server starts a real Neo4j DBMS (the Community edition, as a library) with
 * its Bolt connector on 127.0.0.1, and keeps it running until the process is
 * told to stop (SIGTERM or SIGINT), when it shuts the DBMS down cleanly.
 *
 * <p>Arguments: HOME PORT [USER PASSWORD]. With a user and password, auth is
 * on and that user can log in (no forced password change); without, auth is
 * off. Once Bolt accepts connections it writes HOME/ready, which
 * scripts/neo4j.sh waits for.
 *
 * <p>Memory: the heap is the JVM's -Xmx; the page cache and the transaction
 * memory pool are set here, small enough for a two-core test machine and
 * overridable with the system properties tracegraph.pagecache and
 * tracegraph.txmemory.
 */
public final class Server {
    private Server() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2 && args.length != 4) {
            System.err.println("usage: Server HOME PORT [USER PASSWORD]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        boolean auth = args.length == 4;
        Path ready = home.resolve("ready");
        Files.deleteIfExists(ready);

        Map<String, String> cfg = new TreeMap<>();
        cfg.put("server.bolt.enabled", "true");
        cfg.put("server.bolt.listen_address", "127.0.0.1:" + port);
        cfg.put("server.bolt.advertised_address", "127.0.0.1:" + port);
        cfg.put("server.bolt.tls_level", "DISABLED");
        cfg.put("server.http.enabled", "false");
        cfg.put("server.https.enabled", "false");
        cfg.put("server.memory.pagecache.size", System.getProperty("tracegraph.pagecache", "512m"));
        cfg.put("dbms.memory.transaction.total.max", System.getProperty("tracegraph.txmemory", "1g"));
        cfg.put("db.memory.transaction.max", System.getProperty("tracegraph.txmemory.each", "512m"));
        cfg.put("dbms.security.auth_enabled", Boolean.toString(auth));
        cfg.put("server.directories.logs", home.resolve("logs").toString());
        cfg.put("dbms.usage_report.enabled", "false");

        // The settings go through a neo4j.conf under HOME, the way a server
        // reads them, so they can be read back when something goes wrong.
        Path conf = home.resolve("conf").resolve("neo4j.conf");
        Files.createDirectories(conf.getParent());
        StringBuilder text = new StringBuilder("# written by scripts/neo4j (tracegraph.neo4j.Server)\n");
        cfg.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(conf, text.toString());
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(conf)
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dbms.shutdown();
            } finally {
                stopped.countDown();
            }
        }, "neo4j-shutdown"));

        if (auth) {
            GraphDatabaseService system = dbms.database("system");
            Map<String, Object> p = Map.of("user", args[2], "password", args[3]);
            if (args[2].equals("neo4j")) {
                system.executeTransactionally(
                        "ALTER USER neo4j SET PLAINTEXT PASSWORD $password CHANGE NOT REQUIRED", p);
            } else {
                system.executeTransactionally(
                        "CREATE OR REPLACE USER $user SET PLAINTEXT PASSWORD $password CHANGE NOT REQUIRED", p);
            }
        }
        // The default database must be up before anyone is told to connect.
        dbms.database("neo4j").executeTransactionally("RETURN 1");
        Files.writeString(ready, "bolt://127.0.0.1:" + port + "\n");
        System.out.println("tracegraph: Neo4j is ready on bolt://127.0.0.1:" + port);
        stopped.await();
    }
}

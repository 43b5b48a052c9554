package dev.understudy.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away {@code redis-server} for tests: its own process on a free 127.0.0.1 port, no persistence,
 * killed by {@link #close()}. Never the machine's own Redis (6379). Needs {@code redis-server} on the PATH.
 */
public final class RedisServer implements AutoCloseable {

    private static final long READY_WITHIN_MS = 5_000;

    private final Process process;
    private final int port;

    private RedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static RedisServer start() {
        return start(freePort());
    }

    /** Starts one on this port (to bring a killed server back where the gateway expects it). */
    public static RedisServer start(int port) {
        return start(port, List.of());
    }

    /** Starts one on this port with more arguments (e.g. {@code --cluster-enabled yes}). */
    public static RedisServer start(int port, List<String> more) {
        String binary = findOnPath("redis-server");
        Path log = Path.of("target", "redis-" + port + ".log");
        Process p;
        try {
            Files.createDirectories(log.getParent());
            List<String> cmd = new java.util.ArrayList<>(List.of(binary, "--port", String.valueOf(port), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"));
            cmd.addAll(more);
            p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        RedisServer server = new RedisServer(p, port);
        Process started = p;
        if (!Await.within(Duration.ofMillis(READY_WITHIN_MS), Duration.ofMillis(50),
                () -> !started.isAlive() || server.pings()) || !started.isAlive()) {
            server.close();
            throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
                    + READY_WITHIN_MS + " ms (alive=" + started.isAlive() + "); see " + log.toAbsolutePath());
        }
        return server;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}, for {@code quarkus.redis.hosts}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /**
     * A Sentinel on a free port watching the master on {@code masterPort} under the name {@code mymaster}
     * (quorum 1): for {@code quarkus.redis.client-type=sentinel}.
     */
    public static RedisServer sentinel(int masterPort) {
        int port = freePort();
        Path conf = Path.of("target", "sentinel-" + port + ".conf").toAbsolutePath();
        Path log = Path.of("target", "sentinel-" + port + ".log");
        Process p;
        try {
            Files.createDirectories(conf.getParent());
            Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\n"
                    + "sentinel monitor mymaster 127.0.0.1 " + masterPort + " 1\n");
            p = new ProcessBuilder(List.of(findOnPath("redis-server"), conf.toString(), "--sentinel"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a sentinel", e);
        }
        RedisServer sentinel = new RedisServer(p, port);
        if (!Await.within(Duration.ofMillis(READY_WITHIN_MS), Duration.ofMillis(50),
                () -> !p.isAlive() || sentinel.pings()) || !p.isAlive()) {
            sentinel.close();
            throw new IllegalStateException("the sentinel on port " + port + " did not answer PING; see "
                    + log.toAbsolutePath());
        }
        return sentinel;
    }

    /** Does it answer PING (plain RESP over a socket)? */
    public boolean pings() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] answer = in.readNBytes(7);
            return "+PONG\r\n".equals(new String(answer, ISO_8859_1));
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the process where it stands (SIGSTOP): connections stay open, nothing is answered — a hung Redis. */
    public void freeze() {
        signal("STOP");
    }

    /** Lets a frozen process go on (SIGCONT); the commands it received meanwhile are answered then. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Number of keys (DBSIZE), or -1 when it does not answer within 500 ms. */
    public long keyCount() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("DBSIZE\r\n".getBytes(ISO_8859_1));
            out.flush();
            StringBuilder line = new StringBuilder();
            InputStream in = s.getInputStream();
            for (int b; (b = in.read()) != '\n' && b != -1; ) {
                line.append((char) b);
            }
            String reply = line.toString().trim();
            return reply.startsWith(":") ? Long.parseLong(reply.substring(1)) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                signal("CONT"); // a frozen server would not act on SIGTERM
            } catch (RuntimeException e) {
                // gone meanwhile: nothing to wake
            }
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static String findOnPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.isFile() && f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        throw new IllegalStateException(name + " is not on the PATH: the peer-sync tests need a local Redis binary"
                + " (e.g. apt-get install redis-server); they never use a Redis already running on the machine");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

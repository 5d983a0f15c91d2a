package io.hpcdask.launcher.testenv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium driven by Playwright scripts in {@code launcher/src/test/browser/} (node ES modules importing
 * {@code ./browser.mjs}): Debian's {@code /usr/bin/chromium}, {@code node}, and {@code playwright-core} as pinned in
 * that directory's {@code package-lock.json}. {@link #require()} checks them (skip, or fail under {@code CI=true});
 * {@link #run} runs one script with its inputs in environment variables and returns what it printed. The node packages
 * come from {@code scripts/provision-browser}; when they are missing or stale this runs {@code npm ci} itself (never
 * downloading a browser), so a plain {@code mvn verify} works too.
 */
public final class Browser {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** The scripts and their npm project, from launcher's directory (where Maven runs the tests). */
    public static final Path SCRIPTS = Path.of("src/test/browser").toAbsolutePath();
    private static boolean installed;

    private Browser() {
    }

    /** What a script did: its exit code and everything it printed. */
    public record Result(int exit, String out, String err) {
        public String describe() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** Chromium, node and the npm packages, or a skip (a failure under {@code CI=true}) saying which is missing. */
    public static synchronized void require() {
        TestEnv.require(Files.isExecutable(CHROMIUM), "chromium",
                CHROMIUM + " is missing; run scripts/provision-browser as root (apt-get install chromium)");
        Result node = exec(List.of("node", "--version"), Map.of(), Duration.ofSeconds(30));
        TestEnv.require(node.exit == 0, "node", "node does not run (" + node.err.strip()
                + "); run scripts/provision-browser as root (apt-get install nodejs npm)");
        if (!installed) {
            Result check = exec(List.of("bash", SCRIPTS.resolve("../../../../scripts/provision-browser").normalize().toString()), Map.of(), Duration.ofMinutes(5));
            assertThat(check.exit).as("scripts/provision-browser%n%s", check.describe()).isZero();
            installed = true;
        }
    }

    /**
     * Runs {@code node SCRIPT} in {@link #SCRIPTS} with {@code env} added to the environment; the script is ended
     * (by pid, with its Chromium) when it takes longer than {@code timeout}.
     */
    public static Result run(String script, Map<String, String> env, Duration timeout) {
        require();
        return exec(List.of("node", SCRIPTS.resolve(script).toString()), env, timeout);
    }

    /**
     * Starts {@code node SCRIPT} and talks with it while it runs: the script asks with {@code ask(what)} of
     * {@code browser.mjs} (a line {@code need: WHAT} on stdout) and waits for the test's one-line reply on stdin,
     * so a test can act (stage runs, cancel through the CLI) between the script's steps.
     */
    public static Session start(String script, Map<String, String> env) {
        require();
        ProcessBuilder pb = new ProcessBuilder("node", SCRIPTS.resolve(script).toString()).directory(SCRIPTS.toFile());
        pb.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        pb.environment().putAll(env);
        try {
            return new Session(pb.start());
        } catch (IOException e) {
            throw new AssertionError("cannot start node: " + e.getMessage(), e);
        }
    }

    /** A running script: its questions, the test's answers, and at the end what it printed. */
    public static final class Session implements AutoCloseable {
        private static final String END = "\u0000end";
        private final Process process;
        private final java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        private final StringBuilder out = new StringBuilder();
        private final StringBuilder err = new StringBuilder();
        private final java.io.PrintWriter stdin;

        Session(Process process) {
            this.process = process;
            this.stdin = new java.io.PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            pump(process.getInputStream(), out, true);
            pump(process.getErrorStream(), err, false);
        }

        private void pump(java.io.InputStream in, StringBuilder into, boolean queue) {
            Thread t = new Thread(() -> {
                try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        synchronized (into) {
                            into.append(line).append('\n');
                        }
                        if (queue) {
                            lines.add(line);
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                } finally {
                    if (queue) {
                        lines.add(END);
                    }
                }
            }, "browser-script-output");
            t.setDaemon(true);
            t.start();
        }

        /** The script's next question ({@code WHAT} of {@code need: WHAT}); fails when it ends or times out first. */
        public String question(Duration timeout) throws InterruptedException {
            long until = System.nanoTime() + timeout.toNanos();
            while (true) {
                String line = lines.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line.equals(END)) {
                    throw new AssertionError((line == null ? "no question within " + timeout : "the script ended before asking")
                            + "\n" + describe());
                }
                if (line.startsWith("need: ")) {
                    return line.substring("need: ".length());
                }
            }
        }

        public void answer(String reply) {
            stdin.println(reply.replace('\n', ' '));
        }

        /** Waits for the script to end (ending it, with its Chromium, after {@code timeout}) and returns what it did. */
        public Result finish(Duration timeout) throws InterruptedException {
            stdin.close();
            boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                close();
            }
            while (!lines.contains(END) && process.isAlive()) {
                Thread.sleep(50);
            }
            Thread.sleep(100); // the stderr pump's last lines
            return new Result(ended ? process.exitValue() : -1, text(out), text(err) + (ended ? "" : "\n(ended after " + timeout + ")"));
        }

        public String describe() {
            return "--- stdout\n" + text(out) + "\n--- stderr\n" + text(err);
        }

        private static String text(StringBuilder b) {
            synchronized (b) {
                return b.toString();
            }
        }

        /** Ends the script and its Chromium by pid, if they still run. */
        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Result exec(List<String> command, Map<String, String> env, Duration timeout) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("browser-out", ".txt");
            err = Files.createTempFile("browser-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(SCRIPTS.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
            pb.environment().putAll(env);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                return new Result(127, "", e.getMessage());
            }
            boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                // its Chromium first: it would outlive node
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String o = Files.readString(out, StandardCharsets.UTF_8);
            String e = Files.readString(err, StandardCharsets.UTF_8);
            return new Result(ended ? p.exitValue() : -1, o, ended ? e : e + "\n(ended after " + timeout + ")");
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temp file left behind harms nothing
            }
        }
    }
}

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

    private static Result exec(List<String> command, Map<String, String> env, Duration timeout) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("browser-out", ".txt");
            err = Files.createTempFile("browser-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(SCRIPTS.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
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

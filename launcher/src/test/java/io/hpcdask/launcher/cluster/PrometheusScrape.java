package io.hpcdask.launcher.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.launcher.testenv.TestEnv;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A /metrics scrape as a real Prometheus text-format parser reads it: the npm package parse-prometheus-text-format
 * (no maintained Java parser exists), run by node from {@code launcher/src/test/metrics-parser/}, an npm project of
 * its own beside the browser tests' (it needs no Chromium). Its packages are installed from the project's lockfile
 * ({@code npm ci}) when the locked version is not there. Without node or npm the test is skipped loudly, and under
 * {@code CI=true} it fails.
 */
final class PrometheusScrape {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PACKAGE = "parse-prometheus-text-format";
    private static final Path DIR = Path.of(System.getProperty("hpcdask.repo.root", ".."))
            .resolve("launcher/src/test/metrics-parser").toAbsolutePath().normalize();

    private final JsonNode families;

    private PrometheusScrape(JsonNode families) {
        this.families = families;
    }

    /** Parses {@code text}; a scrape the parser refuses fails the test with the parser's message. */
    static PrometheusScrape parse(String text) {
        installParser();
        String[] out = run(new String[] {"node", "parse.js"}, text, 60);
        try {
            return new PrometheusScrape(JSON.readTree(out[0]));
        } catch (IOException e) {
            throw new AssertionError("the parser printed no JSON: " + out[0], e);
        }
    }

    /** The family's type as the parser read it from {@code # TYPE} (COUNTER, GAUGE, HISTOGRAM), or null when absent. */
    String type(String name) {
        JsonNode f = family(name);
        return f == null ? null : f.get("type").asText();
    }

    /** The sample of {@code name} whose labels are exactly {@code labels} (pairs), or null when there is none. */
    Double value(String name, String... labels) {
        JsonNode m = sample(name, labels);
        return m == null ? null : m.get("value").asDouble();
    }

    /** The sum of every sample of {@code name}, whatever its labels; 0 when it has none. */
    double sum(String name) {
        JsonNode f = family(name);
        double total = 0;
        if (f != null) {
            for (JsonNode m : f.get("metrics")) {
                total += m.get("value").asDouble();
            }
        }
        return total;
    }

    /** A histogram's count of observations (no labels), or null when it is absent. */
    Long histogramCount(String name) {
        JsonNode m = sample(name);
        return m == null ? null : m.get("count").asLong();
    }

    /** A histogram's bucket (its {@code le} as written, e.g. {@code "+Inf"}). */
    long bucket(String name, String le) {
        return sample(name).get("buckets").get(le).asLong();
    }

    double histogramSum(String name) {
        return sample(name).get("sum").asDouble();
    }

    private JsonNode sample(String name, String... labels) {
        JsonNode f = family(name);
        if (f == null) {
            return null;
        }
        Map<String, String> want = new java.util.HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            want.put(labels[i], labels[i + 1]);
        }
        for (JsonNode m : f.get("metrics")) {
            Map<String, String> have = new java.util.HashMap<>();
            JsonNode l = m.get("labels");
            if (l != null) {
                l.fields().forEachRemaining(e -> have.put(e.getKey(), e.getValue().asText()));
            }
            if (have.equals(want)) {
                return m;
            }
        }
        return null;
    }

    private JsonNode family(String name) {
        for (JsonNode f : families) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        return null;
    }

    /** node and npm, or a skip (a failure under CI=true); then {@code npm ci} unless the locked version is there. */
    private static synchronized void installParser() {
        for (String command : new String[] {"node", "npm"}) {
            TestEnv.require(onPath(command), command, "the /metrics test parses with node's parse-prometheus-text-format;"
                    + " install nodejs and npm (scripts/provision-browser as root, or apt-get install nodejs npm)");
        }
        if (!installedVersion().equals(lockedVersion())) {
            System.err.println("Installing the Prometheus text-format parser for the tests: npm ci in " + DIR);
            run(new String[] {"npm", "ci", "--no-audit", "--no-fund"}, "", 300);
        }
    }

    private static String lockedVersion() {
        try {
            return JSON.readTree(DIR.resolve("package-lock.json").toFile()).path("packages")
                    .path("node_modules/" + PACKAGE).path("version").asText();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + DIR.resolve("package-lock.json"), e);
        }
    }

    private static String installedVersion() {
        Path manifest = DIR.resolve("node_modules/" + PACKAGE + "/package.json");
        try {
            return Files.exists(manifest) ? JSON.readTree(manifest.toFile()).path("version").asText() : "";
        } catch (IOException e) {
            return ""; // half installed: install again
        }
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code cmd} in the parser's directory with {@code input} on stdin; returns stdout and stderr. */
    private static String[] run(String[] cmd, String input, long timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(cmd).directory(DIR.toFile()).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p, false));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p, true));
            try (OutputStream in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + err.join() + out.join());
            }
            return new String[] {out.join(), err.join()};
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String read(Process p, boolean err) {
        try {
            return new String((err ? p.getErrorStream() : p.getInputStream()).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}

package io.hpcdask.launcher.cli;

import io.hpcdask.protocol.ShellLine;
import io.hpcdask.server.api.RunPage;
import io.hpcdask.server.api.RunView;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** What {@code hpc-dask runs} prints: a page of runs (docs/json/runs.schema.json), or with --summary its counts. */
final class RunsReport implements Report {
    /** A run in the JSON shape: ISO-8601 times, its duration in seconds (running so far, for a running run). */
    record Run(String id, String label, String state, List<String> command, Map<String, Long> requires, String worker,
               String stagedAt, String startedAt, String endedAt, Double durationSeconds, Integer exitCode, int attempts,
               String waitReason, String reason, int priority, Long timeLimitSeconds, Integer maxAttempts, int retries,
               int retried, String after) {}

    record Page(int version, long matching, int shown, Map<String, Long> counts, List<Run> runs) {}

    record Summary(int version, long matching, Map<String, Long> counts) {}

    private final RunPage page;
    private final boolean summary;
    private final List<String> states;
    private final OptionalInt width;

    /** @param states with a summary, the states counted (empty: all) */
    RunsReport(RunPage page, boolean summary, List<String> states, OptionalInt width) {
        this.page = page;
        this.summary = summary;
        this.states = List.copyOf(states);
        this.width = width;
    }

    @Override
    public Object json() {
        return summary ? new Summary(1, page.matching(), counts())
                : new Page(1, page.matching(), page.runs().size(), counts(), page.runs().stream().map(this::run).toList());
    }

    private Run run(RunView r) {
        return new Run(r.id(), r.label(), r.state(), r.argv(), r.requires(), r.worker(), JsonTimes.time(r.stagedAt()),
                JsonTimes.time(r.startedAt()), JsonTimes.time(r.endedAt()), JsonTimes.seconds(durationMillis(r)), r.exitCode(),
                r.attempts(), r.waitReason(), r.reason(), r.priority(), r.timeLimitSeconds(), r.maxAttempts(), r.retries(),
                r.retried(), r.after());
    }

    /** Started to ended, or to the server's now while it runs; null before it started. */
    private Long durationMillis(RunView r) {
        if (r.startedAt() == null) {
            return null;
        }
        long end = r.endedAt() != null ? r.endedAt() : page.serverTime() > 0 ? page.serverTime() : System.currentTimeMillis();
        return end - r.startedAt();
    }

    /** In the order runs go through, not the server's map order. */
    private Map<String, Long> counts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String s : RunStates.ALL) {
            Long n = page.counts().get(s);
            if (n != null && n > 0 && (!summary || states.isEmpty() || states.contains(s))) {
                out.put(s, n);
            }
        }
        return out;
    }

    @Override
    public void table(PrintWriter out) {
        if (summary) {
            Table t = new Table("STATE", "RUNS");
            counts().forEach((s, n) -> t.add(s, n.toString()));
            t.add("total", Long.toString(counts().values().stream().mapToLong(Long::longValue).sum()));
            t.print(out);
            return;
        }
        Table t = new Table("ID", "STATE", "LABEL", "REQUIRES", "WORKER", "STARTED", "DURATION", "EXIT", "ATTEMPTS", "COMMAND",
                "REASON");
        for (RunView r : page.runs()) {
            t.add(r.id(), r.state(), Table.orDash(r.label()), Table.amounts(r.requires()), Table.orDash(r.worker()),
                    Table.time(r.startedAt()), duration(durationMillis(r)), Table.orDash(r.exitCode()), attempts(r),
                    command(r.argv()),
                    Table.orDash(r.waitReason() != null ? r.waitReason() : r.reason()));
        }
        t.print(out, width.orElse(Integer.MAX_VALUE), "COMMAND", "REASON", "LABEL", "REQUIRES", "WORKER");
    }

    @Override
    public void quiet(PrintWriter out) {
        StringBuilder b = new StringBuilder();
        if (summary) {
            counts().forEach((s, n) -> b.append(s).append(' ').append(n).append('\n'));
        } else {
            page.runs().forEach(r -> b.append(r.id()).append('\n'));
        }
        out.print(b);
    }

    /** Attempts so far, with the retries used of those allowed when the run has any: {@code 2 (retry 1/3)}. */
    static String attempts(RunView r) {
        return r.attempts() + (r.retries() > 0 ? " (retry " + r.retried() + "/" + r.retries() + ")" : "");
    }

    private static String command(List<String> argv) {
        return argv == null || argv.isEmpty() ? "-" : argv.size() == 1 ? argv.get(0) : ShellLine.of(argv);
    }

    /** {@code 45s}, {@code 12m03s}, {@code 2h05m}, {@code 3d04h}: short enough for a column, exact enough to compare. */
    static String duration(Long millis) {
        if (millis == null) {
            return "-";
        }
        long s = Math.max(0, millis) / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format("%dd%02dh", s / 86400, s % 86400 / 3600);
    }
}

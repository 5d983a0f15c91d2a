package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.failure.ExitCodes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hpcdask.server.api.RunPage;
import io.hpcdask.server.api.RunView;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "runs", mixinStandardHelpOptions = true,
        description = {"List runs in staging order, with why a staged run waits or why a run could not start.",
            "Answers from the cluster's store when the cluster is down."})
final class RunsCommand extends ClusterClientCommand {
    @Option(names = "--state", paramLabel = "STATE", description = "only runs in this state: staged, running, completed, error, terminated, lost or timeout")
    String state;
    @Option(names = "--json", description = "print the runs as a JSON array")
    boolean json;
    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + DEFAULT_LIMIT,
            description = "show the latest N runs (default: ${DEFAULT-VALUE}; 0 for all)")
    int limit;

    /** Enough to see a submission through; a cluster that ran 100,000 runs does not print them all. */
    static final int DEFAULT_LIMIT = 100;

    RunsCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() throws Exception {
        if (state != null && !RunStates.ALL.contains(state)) {
            throw new BadInputException("--state: '" + state + "' is not a run state; expected one of " + String.join(", ", RunStates.ALL));
        }
        if (limit < 0) {
            throw new BadInputException("--limit: " + limit + " is not a number of runs; expected 0 (all) or more");
        }
        RunPage page = found().isPresent() ? call(c -> c.runPage(state, limit)) : OfflineStore.page(dir(), state, limit);
        List<RunView> runs = page.runs();
        PrintWriter out = out();
        summarize(page, err());
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(runs));
            return ExitCodes.OK;
        }
        Table t = new Table("ID", "LABEL", "STATE", "REQUIRES", "WORKER", "STAGED", "STARTED", "ENDED", "EXIT", "ATTEMPTS",
                "REASON");
        for (RunView r : runs) {
            t.add(r.id(), Table.orDash(r.label()), r.state(), Table.amounts(r.requires()), Table.orDash(r.worker()),
                    Table.time(r.stagedAt()), Table.time(r.startedAt()), Table.time(r.endedAt()), Table.orDash(r.exitCode()),
                    attempts(r), Table.orDash(r.waitReason() != null ? r.waitReason() : r.reason()));
        }
        t.print(out);
        return ExitCodes.OK;
    }

    /** Attempts so far, with the retries used of those allowed when the run has any: {@code 2 (retry 1/3)}. */
    static String attempts(RunView r) {
        return r.attempts() + (r.retries() > 0 ? " (retry " + r.retried() + "/" + r.retries() + ")" : "");
    }

    /**
     * On stderr, so the table (or JSON) on stdout stays only the runs: how many are not shown, and how many runs the
     * cluster has in each state.
     */
    private void summarize(RunPage page, PrintWriter err) {
        long hidden = page.matching() - page.runs().size();
        if (hidden > 0) {
            err.printf("%d earlier run(s)%s not shown (--limit N shows the latest N, --limit 0 all)%n", hidden,
                    state == null ? "" : " " + state);
        }
        if (!page.counts().isEmpty()) {
            StringBuilder line = new StringBuilder("runs:");
            for (String s : RunStates.ALL) {
                Long n = page.counts().get(s);
                if (n != null) {
                    line.append(' ').append(s).append('=').append(n);
                }
            }
            err.println(line);
        }
        err.flush();
    }
}

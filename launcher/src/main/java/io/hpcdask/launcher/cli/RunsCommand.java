package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.server.api.RunFilter;
import io.hpcdask.server.api.RunPage;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "runs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the latest runs in staging order, with how long each ran and why a staged run waits or why a run"
                + " could not start.",
            "Answers from the cluster's store when the cluster is down. The table fits the terminal (COLUMNS, else its width):"
                + " the COMMAND column is shortened first."},
        footerHeading = "%nExamples:%n",
        footer = {"  hpc-dask runs", "  hpc-dask runs --last 10 --state error,lost", "  hpc-dask runs --label 'sweep-*' --summary",
            "  hpc-dask runs --last 0 -o json > runs.json", "  hpc-dask runs --state staged -o quiet | wc -l"})
final class RunsCommand extends ClusterClientCommand {
    @Option(names = "--state", paramLabel = "STATE", split = ",",
            description = "only runs in these states (comma-separated): staged, running, completed, error, terminated, lost or timeout")
    List<String> states = new ArrayList<>();
    @Option(names = "--label", paramLabel = "L",
            description = "only runs whose label matches L: a glob ('*' any text, '?' one character), else exactly")
    String label;
    @Option(names = {"--last", "--limit"}, paramLabel = "N", defaultValue = "" + DEFAULT_LIMIT,
            description = "show the latest N runs (default: ${DEFAULT-VALUE}; 0 for all)")
    int limit;
    @Option(names = "--summary", description = "only the number of runs in each state (of those --label and --state match)")
    boolean summary;
    @Mixin
    OutputOptions output;

    /** Enough to see a submission through; a cluster that ran 100,000 runs does not print them all. */
    static final int DEFAULT_LIMIT = 50;

    RunsCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() throws Exception {
        OutputMode mode = output.mode(context);
        for (String state : states) {
            if (!RunStates.ALL.contains(state)) {
                throw new BadInputException("--state: '" + state + "' is not a run state; expected one or more of "
                        + String.join(", ", RunStates.ALL) + ", separated by commas");
            }
        }
        if (limit < 0) {
            throw new BadInputException("--last: " + limit + " is not a number of runs; expected 0 (all) or more");
        }
        if (label != null && label.isEmpty()) {
            throw new BadInputException("--label: empty; expected a label or a glob such as 'sweep-*'");
        }
        // a summary needs the counts only: one run is read, not a page
        RunFilter filter = new RunFilter(states, label, summary ? 1 : limit);
        RunPage page = found().isPresent() ? call(c -> c.runPage(filter)) : OfflineStore.page(dir(), filter);
        if (!summary && mode != OutputMode.JSON) {
            hidden(page, err());
        }
        mode.print(new RunsReport(page, summary, states, TerminalWidth.of(context)), out());
        return ExitCodes.OK;
    }

    /** On stderr, so stdout stays only the runs: how many match but are not shown, and how to see them. */
    private void hidden(RunPage page, PrintWriter err) {
        long hidden = page.matching() - page.runs().size();
        if (hidden > 0) {
            err.printf("%d earlier run(s) not shown (--last N shows the latest N, --last 0 all; --summary counts them)%n", hidden);
        }
        err.flush();
    }
}

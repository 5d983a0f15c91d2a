package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.server.CancelFilter;
import io.hpcdask.server.api.CancelResult;
import io.hpcdask.server.api.CancelSelection;
import io.hpcdask.server.api.RunIds;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.LongPredicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancel staged or running runs; a running run's whole process group is killed.",
            "The scheduler cancels every run selected in one step. Filters combine: --state running --label sweep",
            "cancels the running runs labelled sweep. Runs that already ended are left as they are; when nothing",
            "matches, it says so and exits 0.",
            "",
            "Examples:",
            "  hpc-dask cancel 12",
            "  hpc-dask cancel 3-1002 1500        a range and an id",
            "  hpc-dask cancel --state staged",
            "  hpc-dask cancel --label sweep",
            "  hpc-dask cancel --all"})
final class CancelCommand extends ClusterClientCommand {
    /** Beyond this many characters of ranges, the ids cancelled are not listed, only counted. */
    static final int MAX_LISTED = 200;

    @Parameters(arity = "0..*", paramLabel = "RUN", description = "run ids and ranges (12, 3-1002)")
    List<String> ids = List.of();
    @Option(names = "--all", description = "every staged or running run")
    boolean all;
    @Option(names = "--state", split = ",", paramLabel = "S", description = "only runs in these states (staged, running)")
    List<String> states;
    @Option(names = "--label", paramLabel = "L", description = "only runs with this label")
    String label;

    CancelCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() {
        CancelSelection selection = selection();
        CancelResult result = call(c -> c.cancel(selection));
        PrintWriter out = out();
        if (result.count() == 0) {
            out.println("No staged or running run matched: nothing cancelled");
        } else if (result.ids().length() <= MAX_LISTED) {
            out.println("Cancelled " + runs(result.count()) + ": " + result.ids());
        } else {
            out.println("Cancelled " + runs(result.count()) + " ('hpc-dask runs --state terminated' lists them)");
        }
        LongPredicate done = result.count() == 0 ? id -> false : RunIds.matcher(RunIds.decode(result.ids()));
        PrintWriter err = err();
        for (String id : RunSelectionArgs.singleIds(ids)) {
            if (!done.test(Long.parseLong(id))) {
                err.println("hpc-dask: run " + id + " was not cancelled: no such run, or it has already ended");
            }
        }
        return ExitCodes.OK;
    }

    private static String runs(long n) {
        return n == 1 ? "1 run" : n + " runs";
    }

    /** Checked before the cluster is asked: exit 2 with the accepted forms. */
    private CancelSelection selection() {
        boolean filters = !ids.isEmpty() || states != null || label != null;
        if (all && filters) {
            throw new BadInputException("--all selects every staged or running run: give it no RUN, --state or --label");
        }
        if (!all && !filters) {
            throw new BadInputException("cancel: say which runs: --all, --state S[,S], --label L, or RUN ids and ranges"
                    + " such as 12 or 3-1002");
        }
        if (all) {
            return CancelSelection.everything();
        }
        if (states != null) {
            try {
                CancelFilter.cancellable(states);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--" + e.getMessage());
            }
        }
        if (label != null && label.isBlank()) {
            throw new BadInputException("--label: the label is empty; expected the label given at 'submit run --label L'");
        }
        return new CancelSelection(false, ids.isEmpty() ? null : RunSelectionArgs.ranges(ids), states, label);
    }
}

package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.server.api.RetryRequest;
import io.hpcdask.server.api.RunIds;
import io.hpcdask.server.core.RunState;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "retry", mixinStandardHelpOptions = true,
        description = {"Stage finished runs again, each as a new attempt of the same run: same id, its attempts go on,",
            "its --retries and --max-attempts count afresh, its log gets an attempt header. By default the runs",
            "that ended error, lost or timeout; name ids (or ranges) and --state/--label to choose."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  hpc-dask retry                        # every run that ended error, lost or timeout",
            "  hpc-dask retry 12 15-20               # those of these runs that ended error, lost or timeout",
            "  hpc-dask retry --state timeout --label sweep",
            "  hpc-dask retry --state terminated 13  # a run cancelled because its dependency failed",
        })
final class RetryCommand extends ClusterClientCommand {
    @Option(names = "--state", paramLabel = "STATE[,STATE]", split = ",",
            description = "finished states to retry (default: error,lost,timeout)")
    List<String> states;
    @Option(names = "--label", paramLabel = "LABEL", description = "only runs with this label")
    String label;
    @Parameters(arity = "0..*", paramLabel = "IDS", description = "run ids or ranges (e.g. 12 15-20); default: all")
    List<String> ids = new ArrayList<>();

    RetryCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() {
        List<String> finals = Arrays.stream(RunState.values()).filter(RunState::isFinal).map(RunState::label).toList();
        for (String s : states == null ? List.<String>of() : states) {
            if (!finals.contains(s)) {
                throw new BadInputException("--state: '" + s + "' is not a finished state; expected some of "
                        + String.join(",", finals));
            }
        }
        String idText = ids.isEmpty() ? null : String.join(",", ids);
        List<RunIds.Range> ranges;
        try {
            ranges = idText == null ? List.of() : RunIds.decode(idText);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("IDS: " + e.getMessage());
        }
        List<String> retried = call(c -> c.retry(new RetryRequest(states, label, idText)));
        PrintWriter out = out();
        PrintWriter err = err();
        for (String id : retried) {
            out.println("Retrying run " + id);
        }
        out.flush();
        int status = ExitCodes.OK;
        String which = states == null ? String.join(",", RetryRequest.DEFAULT_STATES) : String.join(",", states);
        if (idText != null && RunIds.count(ranges) <= 1_000) {
            Set<String> done = new HashSet<>(retried);
            for (RunIds.Range r : ranges) {
                for (long id = r.first(); id <= r.last(); id++) {
                    if (!done.contains(Long.toString(id))) {
                        err.println("hpc-dask: run " + id + " was not retried: no such run, or it is not " + which
                                + (label == null ? "" : " with label " + label) + " (--state chooses)");
                        status = ExitCodes.FAILED;
                    }
                }
            }
        } else if (retried.isEmpty()) {
            err.println("No run to retry: none is " + which + (label == null ? "" : " with label " + label));
        }
        err.flush();
        return status;
    }
}

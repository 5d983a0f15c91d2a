package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.protocol.DurationText;
import io.hpcdask.server.api.RunIds;
import io.hpcdask.server.api.RunPolicyRequest;
import io.hpcdask.server.core.RunPolicy;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.Option;

/** {@code submit run}'s run policies: priority, time limit, attempts, retries and dependencies. */
final class RunPolicyOptions {
    @Option(names = "--priority", paramLabel = "N", defaultValue = "0",
            description = "higher starts first; runs of one priority start in staging order (default ${DEFAULT-VALUE})")
    int priority;
    @Option(names = "--time-limit", paramLabel = "D",
            description = "kill the run when one attempt has run this long; it ends 'timeout' (" + DurationText.FORMS
                    + "; a bare number is seconds)")
    String timeLimit;
    @Option(names = "--max-attempts", paramLabel = "N",
            description = "starts a run may lose to lost workers before it ends 'lost' (default 3)")
    Integer maxAttempts;
    @Option(names = "--retries", paramLabel = "N", defaultValue = "0", description = "stage the run again, as a new"
            + " attempt, up to N times when it ends in error (default ${DEFAULT-VALUE})")
    int retries;
    @Option(names = "--after", paramLabel = "ID[,ID]",
            description = "start only after these runs completed (ids or ranges, e.g. 12,20-29); if one ends"
                    + " otherwise, this run is cancelled with the reason")
    String after;

    /** The run policies of the options, checked here so a bad value stages nothing (the scheduler checks again). */
    RunPolicyRequest policy() {
        if ((priority < RunPolicy.MIN_PRIORITY || priority > RunPolicy.MAX_PRIORITY)) {
            throw new BadInputException("--priority: " + priority + " is out of range; expected a whole number from "
                    + RunPolicy.MIN_PRIORITY + " to " + RunPolicy.MAX_PRIORITY);
        }
        if (maxAttempts != null && maxAttempts < 1) {
            throw new BadInputException("--max-attempts: " + maxAttempts + " is not allowed; expected 1 or more");
        }
        if (retries < 0) {
            throw new BadInputException("--retries: " + retries + " is not allowed; expected 0 or more");
        }
        Long limitSeconds = null;
        if (timeLimit != null) {
            Duration d;
            try {
                d = DurationText.parse(timeLimit, ChronoUnit.SECONDS);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--time-limit: '" + timeLimit + "' is not a duration; expected "
                        + DurationText.acceptedForm(ChronoUnit.SECONDS));
            }
            if (d.toMillis() < 1000) {
                throw new BadInputException("--time-limit: '" + timeLimit + "' is shorter than a second; expected "
                        + DurationText.acceptedForm(ChronoUnit.SECONDS));
            }
            limitSeconds = (d.toMillis() + 999) / 1000;
        }
        String afterIds = null;
        if (after != null) {
            try {
                afterIds = after.replace(" ", "");
                RunIds.decode(afterIds);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--after: " + e.getMessage());
            }
        }
        // defaults are left out, so a run without policies is stored as before
        return new RunPolicyRequest(priority == 0 ? null : priority, limitSeconds, maxAttempts,
                retries == 0 ? null : retries, afterIds);
    }
}

package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.failure.CommandFailedException;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.protocol.DurationText;
import io.hpcdask.protocol.InvalidValueException;
import io.hpcdask.server.api.AdaptRequest;
import io.hpcdask.server.api.ScaleResult;
import io.hpcdask.server.scaling.AdaptPolicy;
import java.util.List;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "adapt", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Let a profile's worker count follow demand: the staged runs that fit its workers.",
            "Scale-up is immediate, up to --max, with at most --max-pending jobs pending; pending jobs no longer needed",
            "are cancelled at once; a worker stops after --idle-timeout with nothing to do and no staged run for it,",
            "down to --min. Runs no profile can take ask for nothing. 'scale N' on the profile turns adapting off."},
        footerHeading = "%nExamples:%n",
        footer = {"  hpc-dask adapt --min 0 --max 20", "  hpc-dask adapt --profile gpu --max 4 --idle-timeout 10m --max-pending 2",
            "  hpc-dask adapt --profile gpu --off", "  hpc-dask adapt --max 8 -o json"})
final class AdaptCommand extends ClusterClientCommand {
    @Option(names = "--profile", paramLabel = "P", description = "the worker profile (default: the cluster's first)")
    String profile;
    @Option(names = "--min", paramLabel = "N", defaultValue = "0", description = "workers kept even without demand (default: ${DEFAULT-VALUE})")
    String min;
    @Option(names = "--max", paramLabel = "M", description = "workers at most (required unless --off)")
    String max;
    @Option(names = "--idle-timeout", paramLabel = "D", defaultValue = "5m",
            description = "stop a worker idle this long: " + DurationText.FORMS + " or bare seconds (default: ${DEFAULT-VALUE})")
    String idleTimeout;
    @Option(names = "--max-pending", paramLabel = "J",
            description = "jobs pending in the batch system at once, at most (default: no limit but --max)")
    String maxPending;
    @Option(names = "--off", description = "stop adapting; the profile keeps the workers it has")
    boolean off;

    @Mixin
    OutputOptions output;

    /** The JSON shape (docs/json/adapt.schema.json): the profile, whether it adapts, its bounds and the jobs submitted. */
    record Json(int version, String profile, boolean adapting, Integer min, Integer max, Double idleTimeoutSeconds,
                Integer maxPending, List<String> submitted) {}

    AdaptCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() {
        OutputMode mode = output.mode(context);
        AdaptRequest request = off ? AdaptRequest.off(profile) : request();
        ScaleResult result = call(c -> c.adapt(request));
        if (result.error() != null) {
            throw new CommandFailedException(result.error());
        }
        Json json = off ? new Json(1, result.profile(), false, null, null, null, null, result.submitted())
                : new Json(1, result.profile(), true, request.min(), request.max(), JsonTimes.seconds(request.idleTimeoutMillis()),
                        request.maxPending(), result.submitted());
        mode.print(Report.of(json, out -> {
            if (off) {
                out.println("Profile " + result.profile() + " no longer adapts; it keeps its workers (hpc-dask scale N sets them)");
                return;
            }
            out.println("Profile " + result.profile() + " adapts to demand: " + AdaptText.bounds(new AdaptPolicy(request.min(),
                    request.max(), request.idleTimeoutMillis(), request.maxPending() == null ? AdaptPolicy.NO_PENDING_LIMIT
                    : request.maxPending())));
            if (!result.submitted().isEmpty()) {
                out.println("Submitted " + result.submitted().size() + " job(s): " + String.join(" ", result.submitted()));
            }
        }, out -> result.submitted().forEach(out::println)), out());
        return ExitCodes.OK;
    }

    private AdaptRequest request() {
        if (max == null) {
            throw new BadInputException("--max: missing; expected --max M, a whole number >= 1 (or --off)");
        }
        int lo = count("--min", min, 0);
        int hi = count("--max", max, 1);
        if (hi < lo) {
            throw new BadInputException("--max: '" + hi + "' is below --min " + lo + "; expected a whole number >= --min");
        }
        Integer pending = maxPending == null ? null : count("--max-pending", maxPending, 1);
        long idleMillis;
        try {
            idleMillis = DurationText.parse(idleTimeout, ChronoUnit.SECONDS).toMillis();
        } catch (InvalidValueException e) {
            throw new BadInputException("--idle-timeout: " + e.getMessage());
        }
        return new AdaptRequest(profile, false, lo, hi, idleMillis, pending);
    }

    private static int count(String option, String text, int least) {
        if (!text.matches("\\d{1,6}") || Integer.parseInt(text) < least) {
            throw new BadInputException(option + ": '" + text + "' is not a whole number >= " + least + ", e.g. " + Math.max(least, 4));
        }
        return Integer.parseInt(text);
    }
}

package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.protocol.Printable;
import io.hpcdask.protocol.ShellLine;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.api.StageResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.remote.RemoteCluster;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false, modelTransformer = OptionsBeforeCommand.class,
        description = {"Stage a run (or many) on a running cluster and print its id (one per line).",
            "Requirements come from tags starting with 'dask:', e.g. --tag 'dask:gpu=1 foo=2'; several tags merge.",
            "hpc-dask's options come before the command: everything from CMD on is the command's own ('--' works too)."},
        footerHeading = "%nExamples:%n",
        footer = {"  hpc-dask submit run python3 -c 'print(1)'",
            "  hpc-dask submit run --tag 'dask:gpu=1' --label train --wait python train.py --epochs 10",
            "  hpc-dask submit run --array 1-100 --shell 'python sweep.py --index $HPC_DASK_ARRAY_INDEX'",
            "  hpc-dask submit run --each-line inputs.txt --wait -- ./process.sh"})
final class SubmitRunCommand extends ClusterClientCommand {
    /** Sends of one submission whose answer is lost (timeout, broken connection) before giving up with exit 3. */
    static final int SEND_ATTEMPTS = 3;
    static final Duration RESEND_PAUSE = Duration.ofSeconds(1);

    @Option(names = "--tag", paramLabel = "TAG", description = "a tag; 'dask:KEY=VAL ...' sets requirements (repeatable)")
    List<String> tags = new ArrayList<>();
    @Option(names = "--cwd", paramLabel = "DIR", description = "working directory of the run (default: the current one; with the server on a login node, a"
                    + " directory there, default 'remote-directory' or the remote home)")
    Path cwd;
    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "extra environment variable for the run (repeatable)")
    List<String> env = new ArrayList<>();
    @Option(names = "--label", paramLabel = "LABEL", description = "a label shown by 'hpc-dask runs'")
    String label;
    @Option(names = "--shell", description = "run the command line through 'bash -c' (its words joined by spaces)")
    boolean shell;
    @Option(names = "--wait", description = "follow the run(s) and exit with the exit status (the worst one when several)")
    boolean await;
    @Option(names = "--array", paramLabel = "RANGE",
            description = "one run per index (e.g. 1-1000), with HPC_DASK_ARRAY_INDEX set to it")
    String array;
    @Option(names = "--each-line", paramLabel = "FILE",
            description = "one run per non-empty line of FILE, with HPC_DASK_ENTRY set to the line")
    Path eachLine;
    @Mixin
    RunPolicyOptions policies = new RunPolicyOptions();
    @Parameters(arity = "1..*", paramLabel = "CMD", description = "the command and its arguments")
    List<String> command;

    SubmitRunCommand(CliContext context) {
        super(context);
    }

    @Mixin
    OutputOptions output;

    /** The JSON shape (docs/json/submit-run.schema.json): the ids staged, in order, and the warnings. */
    record Json(int version, List<String> ids, List<String> warnings) {}

    @Override
    int doCall() {
        OutputMode mode = output.mode(context);
        List<RunRequest> requests = requests(RemoteCluster.read(dir().path()).orElse(null));
        // one id for this submission, sent again with every resend: the scheduler stages it once whatever happens
        String requestId = UUID.randomUUID().toString();
        PrintWriter err = err();
        if (found().isEmpty()) {
            Optional<StageResult> staged = StoppedClusterStaging.stage(dir(), requestId, requests, await, err);
            if (staged.isPresent()) {
                printed(staged.get(), mode);
                err.println(StoppedClusterStaging.message(dir(), staged.get().ids()));
                return ExitCodes.OK;
            }
            findAgain(); // a server started meanwhile: it takes the runs through its API
        }
        StageResult result = call(c -> c.stageRetrying(requestId, requests, SEND_ATTEMPTS, RESEND_PAUSE, e -> {
            err.println("hpc-dask: warning: " + e.getMessage() + "; sending the submission again (request "
                    + requestId + ": its runs are staged once however often it is sent)");
            err.flush();
        }));
        printed(result, mode);
        StartCheck.tell(running(), tags, result.ids(), err);
        if (!await) {
            return ExitCodes.OK;
        }
        // stdout stays the one JSON document: what the runs print goes to stderr
        return new RunWaiter(running(), mode == OutputMode.JSON ? err : out(), err).noting(StartCheck.waitingNote(running()))
                .await(result.ids());
    }

    /** The warnings on stderr, then the ids on stdout, one per line (or the JSON document). */
    private void printed(StageResult result, OutputMode mode) {
        PrintWriter out = out();
        PrintWriter err = err();
        for (String warning : new LinkedHashSet<>(result.warnings())) {
            err.println("hpc-dask: warning: " + Printable.escape(warning));
        }
        err.flush();
        Consumer<PrintWriter> ids = o -> {
            StringBuilder b = new StringBuilder(result.ids().size() * 8);
            result.ids().forEach(id -> b.append(id).append('\n'));
            o.print(b);
        };
        mode.print(Report.of(new Json(1, result.ids(), List.copyOf(new LinkedHashSet<>(result.warnings()))), ids, ids), out);
    }

    /** @param remote the login node's side of the cluster when its server runs there, else null */
    private List<RunRequest> requests(RemoteCluster remote) {
        if (array != null && eachLine != null) {
            throw new BadInputException("--array and --each-line cannot be used together; choose one");
        }
        String dir = remote != null ? remoteDirectory(remote) : localDirectory();
        Map<String, String> base = EnvAssignments.parse(env);
        List<String> argv = shell ? List.of(ShellLine.of(command)) : List.copyOf(command);
        List<RunRequest> out = new ArrayList<>();
        if (array != null) {
            for (long index : ArraySpec.parse(array)) {
                out.add(request(argv, dir, with(base, "HPC_DASK_ARRAY_INDEX", Long.toString(index))));
            }
        } else if (eachLine != null) {
            for (String line : lines(eachLine, context.resolve(eachLine))) {
                out.add(request(argv, dir, with(base, "HPC_DASK_ENTRY", line)));
            }
        } else {
            out.add(request(argv, dir, base));
        }
        return out;
    }

    private String localDirectory() {
        String dir = (cwd == null ? context.cwd() : context.resolve(cwd)).toAbsolutePath().normalize().toString();
        if (!Files.isDirectory(Path.of(dir))) {
            throw new BadInputException("--cwd: '" + cwd + "' is not an existing directory");
        }
        return dir;
    }

    /**
     * With the server on a login node, {@code --cwd} names a directory on the cluster: it is not checked here, and
     * this machine's current directory means nothing there. Default: {@code remote-directory}, else the remote home.
     */
    private String remoteDirectory(RemoteCluster remote) {
        String given = cwd != null ? cwd.toString()
                : context.configLoader().load(List.of(), null).string(ConfigKeys.REMOTE_DIRECTORY).orElse(remote.home());
        return given.startsWith("/") ? given : remote.home() + "/" + given;
    }

    private RunRequest request(List<String> argv, String dir, Map<String, String> runEnv) {
        return new RunRequest(argv, shell, dir, runEnv, tags, label).withPolicy(policies.policy());
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.put(key, value);
        return m;
    }

    /** @param file as given, for messages; {@code resolved} against the caller's current directory, to read */
    private static List<String> lines(Path file, Path resolved) {
        try {
            List<String> lines = Files.readAllLines(resolved, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
            if (lines.isEmpty()) {
                throw new BadInputException("--each-line: '" + file + "' has no non-empty line");
            }
            return lines;
        } catch (IOException e) {
            throw new BadInputException("--each-line: cannot read '" + file + "': " + e.getMessage());
        }
    }
}

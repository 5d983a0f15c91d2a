package io.hpcdask.launcher.batch;

import io.hpcdask.launcher.ssh.RemoteCommandException;
import io.hpcdask.launcher.ssh.CommandResult;
import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Walltime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs job scripts as background processes on this machine; the job id is the process id. A small wrapper writes
 * the script's exit status to {@code <pid>.exit} in the jobs directory, so states survive the launcher's own exit.
 * Array tasks are separate processes, each told its index in {@code HPC_DASK_ARRAY_TASK_ID}.
 */
public final class LocalBatchSystem implements BatchSystem {
    /** Local processes read no directives: extra ones are kept as comments, amounts as the user wrote them. */
    public static final BatchSystemType TYPE = new BatchSystemType("local", "local", "#", Pattern.compile("\\d+"),
            Memory::toString, Walltime::toString, null, (shell, localJobsDir) -> new LocalBatchSystem(localJobsDir));
    public static final String TASK_ID_VARIABLE = "HPC_DASK_ARRAY_TASK_ID";
    private static final String WRAPPER = "bash \"$1\"; echo $? > \"$2/$$.exit\"";
    private final Path jobsDir;

    public LocalBatchSystem(Path jobsDir) {
        this.jobsDir = jobsDir;
    }

    @Override
    public String name() {
        return TYPE.name();
    }

    @Override
    public SubmittedJobs submit(JobSubmission submission) {
        try {
            io.hpcdask.server.files.PrivateFiles.createDirectories(jobsDir);
            Path script = jobsDir.resolve("job-" + UUID.randomUUID() + ".sh");
            Files.writeString(Files.createFile(script, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------"))), submission.script());
            List<String> pids = new ArrayList<>();
            for (int i = 0; i < submission.arraySize(); i++) {
                ProcessBuilder pb = new ProcessBuilder("bash", "-c", WRAPPER, "hpc-dask-local-job", script.toString(),
                        jobsDir.toString());
                if (submission.arraySize() > 1) {
                    pb.environment().put(TASK_ID_VARIABLE, String.valueOf(i));
                }
                Path log = jobsDir.resolve(script.getFileName() + (submission.arraySize() > 1 ? "." + i : "") + ".log");
                io.hpcdask.server.files.PrivateFiles.createFile(log);
                pb.redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                pids.add(String.valueOf(pb.start().pid()));
            }
            return new SubmittedJobs(pids.get(0), pids);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a local job in " + jobsDir, e);
        }
    }

    @Override
    public Map<String, JobStatus> query(Collection<String> jobIds) {
        TYPE.checkIds(jobIds);
        Map<String, JobStatus> out = new LinkedHashMap<>();
        for (String id : jobIds) {
            out.put(id, status(id));
        }
        return out;
    }

    private JobStatus status(String id) {
        long pid = Long.parseLong(id);
        if (ours(ProcessHandle.of(pid))) {
            return new JobStatus(id, JobState.RUNNING, "pid " + pid);
        }
        boolean cancelled = Files.exists(jobsDir.resolve(id + ".cancelled"));
        Path exit = jobsDir.resolve(id + ".exit");
        if (Files.exists(exit)) {
            int code;
            try {
                code = Integer.parseInt(Files.readString(exit).strip());
            } catch (IOException | NumberFormatException e) {
                return JobStatus.unknown(id, "unreadable exit file " + exit);
            }
            if (code == 0) {
                return new JobStatus(id, JobState.COMPLETED, "exit status 0");
            }
            return new JobStatus(id, cancelled ? JobState.CANCELLED : JobState.FAILED, "exit status " + code);
        }
        if (cancelled) {
            return new JobStatus(id, JobState.CANCELLED, "cancelled");
        }
        return JobStatus.unknown(id, "no process " + pid + " and no exit file in " + jobsDir);
    }

    /** Alive and still our wrapper, not an unrelated process that got the pid later. */
    private boolean ours(Optional<ProcessHandle> handle) {
        return handle.filter(ProcessHandle::isAlive)
                .flatMap(h -> h.info().arguments())
                .map(args -> List.of(args).contains(jobsDir.toString()))
                .orElse(false);
    }

    @Override
    public void cancel(Collection<String> jobIds) {
        TYPE.checkIds(jobIds);
        for (String id : jobIds) {
            Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(id));
            if (!ours(h)) {
                continue;
            }
            try {
                io.hpcdask.server.files.PrivateFiles.createFile(jobsDir.resolve(id + ".cancelled"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            h.get().descendants().forEach(ProcessHandle::destroy);
            h.get().destroy();
        }
    }

    @Override
    public List<String> requiredCommands() {
        return List.of("bash");
    }

    @Override
    public String versionCommand() {
        return "bash --version | head -1";
    }

    @Override
    public String testSubmission(JobSubmission submission) {
        try {
            Process p = new ProcessBuilder("bash", "-n").redirectErrorStream(true).start();
            p.getOutputStream().write(submission.script().getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new RemoteCommandException(new CommandResult("bash -n", "localhost",
                        p.isAlive() ? -1 : p.exitValue(), "", out));
            }
            return "bash -n: the script parses";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

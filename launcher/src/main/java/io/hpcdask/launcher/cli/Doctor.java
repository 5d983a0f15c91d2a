package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.batch.BatchSystem;
import io.hpcdask.launcher.batch.BatchSystems;
import io.hpcdask.launcher.batch.JobSubmission;
import io.hpcdask.launcher.shell.ShellQuote;
import io.hpcdask.launcher.ssh.CommandResult;
import io.hpcdask.launcher.ssh.HostKeyException;
import io.hpcdask.launcher.ssh.LocalShell;
import io.hpcdask.launcher.ssh.RemoteShell;
import io.hpcdask.launcher.ssh.SshConnectException;
import io.hpcdask.launcher.ssh.SshSettings;
import io.hpcdask.launcher.ssh.SshShell;
import io.hpcdask.launcher.ssh.WorkerJarUploader;
import io.hpcdask.launcher.ssh.WorkerRuntimeArchive;
import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.launcher.script.WorkerJava;
import java.util.Optional;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks behind {@code hpc-dask doctor}, in the order a new cluster fails them: host key, login, batch commands,
 * worker jar, java, a test submission, and (for batch systems) whether a compute node reaches the address workers
 * would dial. Each prints one line; later checks are skipped when an earlier one they need failed.
 */
public final class Doctor {
    static final int MIN_JAVA = 17;
    private static final Pattern JAVA_VERSION = Pattern.compile("version \"(\\d+)(?:\\.(\\d+))?");

    private final String system;
    private final SshSettings ssh;
    private final List<String> localPath;
    private final JobSubmission testJob;
    private final Path localJobsDir;
    private final Settings settings;
    private final List<String> failures = new ArrayList<>();
    private final List<Outcome> outcomes = new ArrayList<>();
    private DoctorNetworkCheck network;
    private PrintWriter out;

    /**
     * @param ssh       null to run everything on this machine
     * @param localPath directories put first on the PATH when running on this machine
     * @param testJob   what the batch system is asked to accept (never run)
     * @param settings  what says how workers start (java, worker-java, worker-command)
     */
    public Doctor(String system, SshSettings ssh, List<String> localPath, JobSubmission testJob, Path localJobsDir,
                  Settings settings) {
        this.settings = settings;
        this.system = system;
        this.ssh = ssh;
        this.localPath = List.copyOf(localPath);
        this.testJob = testJob;
        this.localJobsDir = localJobsDir;
    }

    /** Adds the network check (a probe job on a compute node); without it doctor never runs a job. */
    Doctor withNetworkCheck(io.hpcdask.launcher.config.Settings settings) {
        this.network = new DoctorNetworkCheck(settings, text -> line("", "network", text));
        return this;
    }

    /** Runs every check, printing one line each; true when all passed. */
    public boolean run(PrintWriter printer) {
        this.out = printer;
        RemoteShell shell = connect();
        if (shell == null) {
            for (String later : laterChecks()) {
                line("SKIP", later, "needs a working ssh login");
            }
            return finish();
        }
        try (shell) {
            BatchSystem batch = BatchSystems.create(system, shell, localJobsDir);
            boolean commands = checkCommands(shell, batch);
            String jar = checkWorkerJar(shell);
            String runtime = uploadRuntime(shell);
            boolean javaRuns = checkJava(shell, runtime);
            boolean accepted = false;
            if (commands) {
                accepted = check("test job", () -> batch.name() + " accepted it: " + oneLine(batch.testSubmission(testJob)));
            } else {
                line("SKIP", "test job", "needs the batch commands");
            }
            if (network != null) {
                checkNetwork(shell, batch, jar, runtime, accepted && javaRuns);
            }
        }
        return finish();
    }

    private RemoteShell connect() {
        if (ssh == null) {
            line("OK", "ssh", "not used (no --ssh): commands run on this machine");
            return new LocalShell(localPath);
        }
        try {
            SshShell shell = SshShell.connect(ssh);
            line("OK", "host key", ssh.host() + ":" + ssh.port() + " " + shell.hostKey() + " matches " + ssh.knownHosts());
            line("OK", "ssh login", ssh.where() + " authenticated; commands run in a login shell (bash -lc)");
            return shell;
        } catch (HostKeyException e) {
            fail("host key", e.getMessage());
            line("SKIP", "ssh login", "needs a known host key");
        } catch (SshConnectException e) {
            if (e.authentication()) {
                line("OK", "host key", ssh.host() + ":" + ssh.port() + " matches " + ssh.knownHosts());
            } else {
                line("SKIP", "host key", "needs a reachable host");
            }
            fail("ssh login", e.getMessage());
        } catch (BadInputException e) {
            fail("ssh login", e.getMessage());
        }
        return null;
    }

    private boolean checkCommands(RemoteShell shell, BatchSystem batch) {
        StringBuilder probe = new StringBuilder();
        for (String c : batch.requiredCommands()) {
            probe.append("command -v ").append(c).append(" >/dev/null || echo ").append(c).append("; ");
        }
        CommandResult missing = shell.run(probe.toString());
        if (!missing.stdout().isBlank()) {
            fail("batch commands", String.join(", ", missing.stdout().strip().split("\\s+")) + " not found on the PATH of"
                    + " a login shell on " + shell.where() + "; install the " + batch.name() + " client tools or load"
                    + " their module in ~/.bash_profile");
            return false;
        }
        CommandResult version = shell.run(batch.versionCommand());
        if (!version.ok()) {
            fail("batch commands", "`" + batch.versionCommand() + "` exited with status " + version.exitStatus() + ": "
                    + oneLine(version.stderr()));
            return false;
        }
        line("OK", "batch commands", String.join(", ", batch.requiredCommands()) + " found; "
                + oneLine(version.stdout() + version.stderr()));
        return true;
    }

    private List<String> laterChecks() {
        List<String> later = new ArrayList<>(List.of("batch commands", "worker jar", "java", "test job"));
        if (network != null) {
            later.add("network");
        }
        return later;
    }

    private void checkNetwork(RemoteShell shell, BatchSystem batch, String jar, String runtime, boolean ready) {
        if (!ready || jar == null) {
            line("SKIP", "network", "needs java, the worker jar and an accepted test job");
            return;
        }
        try {
            DoctorNetworkCheck.Verdict v = network.run(shell, batch, jar, runtime);
            if (v.verdict().equals("FAIL")) {
                fail("network", v.text());
            } else {
                line(v.verdict(), "network", v.text());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("network", "interrupted");
        } catch (Exception e) {
            fail("network", e.getMessage());
        }
    }

    /**
     * Which java the workers will use and why ({@link WorkerJava}), tried in a login shell here or on the login node:
     * a java that must run (worker-command, a named java) fails when it does not run or is older than 17; with
     * worker-java auto such a java only means the workers use the bundled runtime.
     */
    private boolean checkJava(RemoteShell shell, String runtime) {
        WorkerJava choice;
        try {
            choice = WorkerJava.of(settings, runtime);
        } catch (RuntimeException e) {
            fail("java", e.getMessage());
            return false;
        }
        if (choice.mode() == WorkerJava.Mode.BUNDLED) {
            line("OK", "java", "workers use the java runtime bundled with hpc-dask, " + runtime + " (" + choice.why() + ")");
            return true;
        }
        String command = ShellQuote.join(choice.command());
        CommandResult r = shell.run(command + " -version 2>&1");
        Matcher m = JAVA_VERSION.matcher(r.stdout());
        String problem = null;
        if (!r.ok() || !m.find()) {
            problem = "'" + String.join(" ", choice.command()) + "' does not run in a login shell on " + shell.where() + " ("
                    + oneLine(r.stdout()) + ")";
        } else {
            int major = Integer.parseInt(m.group(1));
            if (major == 1 && m.group(2) != null) {
                major = Integer.parseInt(m.group(2));
            }
            if (major < MIN_JAVA) {
                problem = "java " + major + " found on " + shell.where();
            }
        }
        if (problem == null) {
            line("OK", "java", r.stdout().strip().lines().findFirst().orElse("") + " (" + choice.why() + ")");
            return true;
        }
        if (choice.mode() == WorkerJava.Mode.AUTO) {
            line("OK", "java", "workers use the java runtime bundled with hpc-dask, " + runtime + ": " + problem
                    + " (worker-java auto)");
            return true;
        }
        fail("java", problem + "; workers need Java " + MIN_JAVA + " or newer: load a java module in ~/.bash_profile,"
                + " install one, or set worker-java to auto or bundled (" + choice.why() + ")");
        return false;
    }

    /** The remote path of the workers' java runtime, sent like the worker jar; null when there is none to send. */
    private String uploadRuntime(RemoteShell shell) {
        if (settings.string(ConfigKeys.WORKER_COMMAND).isPresent()) {
            return null;
        }
        try {
            Optional<Path> archive = WorkerRuntimeArchive.locate();
            return archive.isEmpty() ? null : WorkerJarUploader.upload(shell, archive.get()).remotePath();
        } catch (Exception e) {
            fail("java", "cannot send the workers' java runtime to " + shell.where() + ": " + e.getMessage());
            return null;
        }
    }

    /** The remote path of the worker jar, or null when it could not be put there. */
    private String checkWorkerJar(RemoteShell shell) {
        String[] path = new String[1];
        check("worker jar", () -> {
            WorkerJarUploader.Uploaded u = WorkerJarUploader.upload(shell, WorkerJarUploader.bundledJar());
            path[0] = u.remotePath();
            return u.remotePath() + (u.transferred() ? " uploaded" : " already there");
        });
        return path[0];
    }

    private interface Check {
        String run() throws Exception;
    }

    private boolean check(String name, Check check) {
        try {
            line("OK", name, check.run());
            return true;
        } catch (Exception e) {
            fail(name, e.getMessage());
            return false;
        }
    }

    private void fail(String name, String why) {
        failures.add(name);
        line("FAIL", name, why);
    }

    /** One check's outcome: {@code OK}, {@code FAIL}, {@code SKIP}, or empty for a progress line of a check under way. */
    public record Outcome(String verdict, String name, String text) {}

    /** The checks in the order they ran, progress lines left out. */
    List<Outcome> outcomes() {
        return outcomes.stream().filter(c -> !c.verdict().isEmpty()).toList();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    private void line(String verdict, String name, String text) {
        outcomes.add(new Outcome(verdict, name, text));
        out.printf("%-4s  %-14s  %s%n", verdict, name, text);
        out.flush();
    }

    private boolean finish() {
        if (failures.isEmpty()) {
            out.println("all checks passed");
        } else {
            out.println(failures.size() + " check(s) failed: " + String.join(", ", failures));
        }
        out.flush();
        return failures.isEmpty();
    }

    private static String oneLine(String text) {
        return text.strip().replace('\n', ' ').replaceAll("\\s+", " ");
    }
}

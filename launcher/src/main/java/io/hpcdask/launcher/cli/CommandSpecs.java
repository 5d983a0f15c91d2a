package io.hpcdask.launcher.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * GENERATED from the commands' annotations by CommandSpecsSource (launcher's tests); do not edit. After changing
 * a command's annotations: {@code mvn -B -o -pl launcher -am -Dtest=CommandSpecsTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dhpc-dask.regenerate=true test}.
 *
 * <p>Each command's picocli model built by code, as picocli builds it from the annotations (CommandSpecsTest
 * compares the two), without reading annotations at run time: picocli's reflection made 7 annotation proxy
 * classes and their method handles at every start, which a Java 17 class-data archive cannot hold.
 */
@SuppressWarnings({"unchecked", "rawtypes", "unused"})
final class CommandSpecs {
    private CommandSpecs() {
    }

    /** The model of the command of this type, its object made by {@code f}. */
    static CommandSpec build(Class<?> type, IFactory f) throws Exception {
        if (type == HpcDaskCommand.class) {
            return hpcDaskCommand(f);
        }
        if (type == PrintCommand.class) {
            return printCommand(f);
        }
        if (type == PrintJobScriptCommand.class) {
            return printJobScriptCommand(f);
        }
        if (type == ConfigCommand.class) {
            return configCommand(f);
        }
        if (type == ConfigShowCommand.class) {
            return configShowCommand(f);
        }
        if (type == DoctorCommand.class) {
            return doctorCommand(f);
        }
        if (type == ClusterCommand.class) {
            return clusterCommand(f);
        }
        if (type == ClusterUpCommand.class) {
            return clusterUpCommand(f);
        }
        if (type == ClusterStatusCommand.class) {
            return clusterStatusCommand(f);
        }
        if (type == ClusterDownCommand.class) {
            return clusterDownCommand(f);
        }
        if (type == ClusterListCommand.class) {
            return clusterListCommand(f);
        }
        if (type == ScaleCommand.class) {
            return scaleCommand(f);
        }
        if (type == AdaptCommand.class) {
            return adaptCommand(f);
        }
        if (type == WorkersCommand.class) {
            return workersCommand(f);
        }
        if (type == DashboardCommand.class) {
            return dashboardCommand(f);
        }
        if (type == SubmitCommand.class) {
            return submitCommand(f);
        }
        if (type == SubmitRunCommand.class) {
            return submitRunCommand(f);
        }
        if (type == RunsCommand.class) {
            return runsCommand(f);
        }
        if (type == LogsCommand.class) {
            return logsCommand(f);
        }
        if (type == CancelCommand.class) {
            return cancelCommand(f);
        }
        if (type == RetryCommand.class) {
            return retryCommand(f);
        }
        if (type == CompletionCommand.class) {
            return completionCommand(f);
        }
        throw new IllegalArgumentException("not a command: " + type);
    }

    /** The command's name and aliases. */
    static String[] names(Class<?> type) {
        if (type == HpcDaskCommand.class) {
            return new String[] {"hpc-dask"};
        }
        if (type == PrintCommand.class) {
            return new String[] {"print"};
        }
        if (type == PrintJobScriptCommand.class) {
            return new String[] {"job-script"};
        }
        if (type == ConfigCommand.class) {
            return new String[] {"config"};
        }
        if (type == ConfigShowCommand.class) {
            return new String[] {"show"};
        }
        if (type == DoctorCommand.class) {
            return new String[] {"doctor"};
        }
        if (type == ClusterCommand.class) {
            return new String[] {"cluster"};
        }
        if (type == ClusterUpCommand.class) {
            return new String[] {"up"};
        }
        if (type == ClusterStatusCommand.class) {
            return new String[] {"status"};
        }
        if (type == ClusterDownCommand.class) {
            return new String[] {"down"};
        }
        if (type == ClusterListCommand.class) {
            return new String[] {"list"};
        }
        if (type == ScaleCommand.class) {
            return new String[] {"scale"};
        }
        if (type == AdaptCommand.class) {
            return new String[] {"adapt"};
        }
        if (type == WorkersCommand.class) {
            return new String[] {"workers"};
        }
        if (type == DashboardCommand.class) {
            return new String[] {"dashboard"};
        }
        if (type == SubmitCommand.class) {
            return new String[] {"submit"};
        }
        if (type == SubmitRunCommand.class) {
            return new String[] {"run"};
        }
        if (type == RunsCommand.class) {
            return new String[] {"runs"};
        }
        if (type == LogsCommand.class) {
            return new String[] {"logs"};
        }
        if (type == CancelCommand.class) {
            return new String[] {"cancel"};
        }
        if (type == RetryCommand.class) {
            return new String[] {"retry"};
        }
        if (type == CompletionCommand.class) {
            return new String[] {"completion"};
        }
        throw new IllegalArgumentException("not a command: " + type);
    }

    /** The command as its parent's help and errors list it: name, aliases, description, header. */
    static CommandSpec outline(Class<?> type) {
        if (type == HpcDaskCommand.class) {
            return outline("hpc-dask", new String[] {}, new String[] {"A central scheduler in front of HPC batch systems (SLURM, PBS, or local processes)."}, new String[] {}, false);
        }
        if (type == PrintCommand.class) {
            return outline("print", new String[] {}, new String[] {"Print what hpc-dask would use."}, new String[] {}, false);
        }
        if (type == PrintJobScriptCommand.class) {
            return outline("job-script", new String[] {}, new String[] {"Print the worker job script for the given options and profile: exactly what 'scale' submits.", "While a batch cluster runs (--name), it is that cluster's script for --profile, with its real address, jar and", "token file; before, those three are placeholders. Without --system it uses the batch system 'cluster up' would."}, new String[] {}, false);
        }
        if (type == ConfigCommand.class) {
            return outline("config", new String[] {}, new String[] {"Inspect the layered configuration."}, new String[] {}, false);
        }
        if (type == ConfigShowCommand.class) {
            return outline("show", new String[] {}, new String[] {"Print each effective setting and where it came from.", "Layers, lowest first: default, dask-jobqueue's jobqueue.yaml, site file, user file, profile (site, then user), HPC_DASK_<KEY>, flags."}, new String[] {}, false);
        }
        if (type == DoctorCommand.class) {
            return outline("doctor", new String[] {}, new String[] {"Checks, one line each, everything workers need on a cluster: the SSH host key is known, the SSH login works, the batch system's commands are there (and their version), java 17+ is on the remote PATH, the worker jar is uploaded (~/.hpc-dask/lib), and the batch system accepts a test job (sbatch --test-only, or a held PBS job that is deleted at once). Then, for slurm and pbs, it submits one short job whose compute node dials the address workers would (scheduler-address, or where a server on the login node would listen) and reports what happened; the job is cancelled after. Exits 0 only when all pass."}, new String[] {}, false);
        }
        if (type == ClusterCommand.class) {
            return outline("cluster", new String[] {}, new String[] {"Start, inspect and stop a cluster."}, new String[] {}, false);
        }
        if (type == ClusterUpCommand.class) {
            return outline("up", new String[] {}, new String[] {"Start a cluster: the scheduler server in the background and its workers.", "Without --system (or the 'system' key) it uses SLURM when sbatch is on the PATH where batch commands run (over --ssh, or here), PBS when qsub is, else local worker processes; its first line says which.", "With slurm or pbs, workers are batch jobs: --workers N submits N at once; 'hpc-dask scale N' changes the number later. With --ssh the scheduler server runs on the login node (--server remote, the default) and this machine needs only SSH; --server here keeps it on this machine.", "Returns once the server listens (and local workers have connected), after printing where workers dial."}, new String[] {}, false);
        }
        if (type == ClusterStatusCommand.class) {
            return outline("status", new String[] {}, new String[] {"Show whether a cluster runs, its addresses, workers and run counts (exit 3 when it does not run)."}, new String[] {}, false);
        }
        if (type == ClusterDownCommand.class) {
            return outline("down", new String[] {}, new String[] {"Stop a cluster: its workers first (their runs are killed), then the server.", "Staged runs stay in the store for the next 'cluster up'. A cluster already stopped is left so (exit 0)."}, new String[] {}, false);
        }
        if (type == ClusterListCommand.class) {
            return outline("list", new String[] {}, new String[] {"List the clusters of this machine: name, batch system, state (running, stopped, unreachable), the address workers dial, connected workers and runs by state.", "A running cluster is asked for its status; one that does not answer within seconds is shown unreachable.", "Commands choose a cluster with --name, else HPC_DASK_CLUSTER, else the only one there is."}, new String[] {}, false);
        }
        if (type == ScaleCommand.class) {
            return outline("scale", new String[] {}, new String[] {"Set the number of workers of a profile of a running batch cluster.", "Up: the missing workers are submitted (one job array where the batch system has arrays).", "Down: pending jobs are cancelled first, then idle workers stop, then busy ones drain.", "A refused submission is shown verbatim and exits 1."}, new String[] {}, false);
        }
        if (type == AdaptCommand.class) {
            return outline("adapt", new String[] {}, new String[] {"Let a profile's worker count follow demand: the staged runs that fit its workers.", "Scale-up is immediate, up to --max, with at most --max-pending jobs pending; pending jobs no longer needed", "are cancelled at once; a worker stops after --idle-timeout with nothing to do and no staged run for it,", "down to --min. Runs no profile can take ask for nothing. 'scale N' on the profile turns adapting off."}, new String[] {}, false);
        }
        if (type == WorkersCommand.class) {
            return outline("workers", new String[] {}, new String[] {"List the workers connected to a cluster."}, new String[] {}, false);
        }
        if (type == DashboardCommand.class) {
            return outline("dashboard", new String[] {}, new String[] {"Open the cluster's live dashboard: prints a one-time login link and opens it in a browser.", "The link works once, within 60 s; the browser then keeps a session cookie (HttpOnly, SameSite=Strict) until the server stops or 12 h pass. A browser opens when $BROWSER is set, or xdg-open and a display exist; else open the link yourself.", "When the scheduler server runs on a login node, this forwards a port of this machine to it over SSH and stays in the foreground holding the forward; Ctrl-C ends it (exit 0)."}, new String[] {}, false);
        }
        if (type == SubmitCommand.class) {
            return outline("submit", new String[] {}, new String[] {"Stage work on a running cluster."}, new String[] {}, false);
        }
        if (type == SubmitRunCommand.class) {
            return outline("run", new String[] {}, new String[] {"Stage a run (or many) on a running cluster and print its id (one per line).", "Requirements come from tags starting with 'dask:', e.g. --tag 'dask:gpu=1 foo=2'; several tags merge.", "hpc-dask's options come before the command: everything from CMD on is the command's own ('--' works too)."}, new String[] {}, false);
        }
        if (type == RunsCommand.class) {
            return outline("runs", new String[] {}, new String[] {"List the latest runs in staging order, with how long each ran and why a staged run waits or why a run could not start.", "Answers from the cluster's store when the cluster is down. The table fits the terminal (COLUMNS, else its width): the COMMAND column is shortened first."}, new String[] {}, false);
        }
        if (type == LogsCommand.class) {
            return outline("logs", new String[] {}, new String[] {"Print a run's output: its stdout to stdout and its stderr to stderr, in the order they arrived.", "Without RUN: the most recently staged run.", "", "Examples:", "  hpc-dask logs 12                 both streams", "  hpc-dask logs 12 >out.txt 2>err.txt", "  hpc-dask logs --stderr 12        only what run 12 wrote to stderr (printed to stdout)", "  hpc-dask logs --stdout -f        follow the latest run's stdout until it ends"}, new String[] {}, false);
        }
        if (type == CancelCommand.class) {
            return outline("cancel", new String[] {}, new String[] {"Cancel staged or running runs; a running run's whole process group is killed.", "The scheduler cancels every run selected in one step. Filters combine: --state running --label sweep", "cancels the running runs labelled sweep. Runs that already ended are left as they are; when nothing", "matches, it says so and exits 0.", "", "Examples:", "  hpc-dask cancel 12", "  hpc-dask cancel 3-1002 1500        a range and an id", "  hpc-dask cancel --state staged", "  hpc-dask cancel --label sweep", "  hpc-dask cancel --all"}, new String[] {}, false);
        }
        if (type == RetryCommand.class) {
            return outline("retry", new String[] {}, new String[] {"Stage finished runs again, each as a new attempt of the same run: same id, its attempts go on,", "its --retries and --max-attempts count afresh, its log gets an attempt header. By default the runs", "that ended error, lost or timeout; name ids (or ranges) and --state/--label to choose."}, new String[] {}, false);
        }
        if (type == CompletionCommand.class) {
            return outline("completion", new String[] {}, new String[] {"Print the shell completion script of hpc-dask for bash, zsh or fish.", "Subcommands, options and the values of options with a fixed set (--system) complete on TAB."}, new String[] {}, false);
        }
        throw new IllegalArgumentException("not a command: " + type);
    }

    private static CommandSpec outline(String name, String[] aliases, String[] description, String[] header,
            boolean hidden) {
        CommandSpec spec = CommandSpec.create().name(name).aliases(aliases);
        spec.usageMessage().description(description).header(header).hidden(hidden);
        return spec;
    }

    private static CommandSpec standardHelp(IFactory f) {
        CommandSpec s = CommandSpec.create();
        FieldBinding h0 = FieldBinding.holding(false);
        s.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .descriptionKey("mixinStandardHelpOptions.help").description("Show this help message and exit.")
                .paramLabel("<helpRequested>").initialValue(false).type(boolean.class).setter(h0).getter(h0).build());
        FieldBinding h1 = FieldBinding.holding(false);
        s.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .descriptionKey("mixinStandardHelpOptions.version").description("Print version information and exit.")
                .paramLabel("<versionRequested>").initialValue(false).type(boolean.class).setter(h1).getter(h1).build());
        return s;
    }

    private static CommandSpec hpcDaskCommand(IFactory f) throws Exception {
        HpcDaskCommand c = f.create(HpcDaskCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("A central scheduler in front of HPC batch systems (SLURM, PBS, or local processes).");
        s.usageMessage().footer("  0  success", "  1  the command failed (batch system, SSH, scheduler); the failure is shown verbatim", "  2  bad input: unknown option, malformed value or config file; nothing was written or submitted", "  3  no running cluster answers", "  4  the CLI daemon ended during the command, which may have taken effect (check with 'hpc-dask runs')");
        s.usageMessage().footerHeading("%nExit codes:%n");
        s.name("hpc-dask");
        s.versionProvider(f.create(VersionProvider.class));
        c.spec = s;
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec printCommand(IFactory f) throws Exception {
        PrintCommand c = f.create(PrintCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Print what hpc-dask would use.");
        s.name("print");
        c.spec = s;
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec printJobScriptCommand(IFactory f) throws Exception {
        PrintJobScriptCommand c = f.create(PrintJobScriptCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Print the worker job script for the given options and profile: exactly what 'scale' submits.", "While a batch cluster runs (--name), it is that cluster's script for --profile, with its real address, jar and", "token file; before, those three are placeholders. Without --system it uses the batch system 'cluster up' would.");
        s.usageMessage().footer("", "Examples:", "  hpc-dask print job-script --cores 2 --memory 8G --walltime 00:30:00", "  hpc-dask print job-script --system pbs --queue workq --cores 4");
        s.name("job-script");
        s.usageMessage().sortOptions(false);
        c.spec = s;
        ClusterNameMixin m0 = c.cluster;
        if (m0 == null) {
            m0 = f.create(ClusterNameMixin.class);
            c.cluster = m0;
        }
        s.addMixin("cluster", clusterNameMixin(m0, f));
        SshOptions m1 = c.ssh;
        if (m1 == null) {
            m1 = f.create(SshOptions.class);
            c.ssh = m1;
        }
        s.addMixin("ssh", sshOptions(m1, f));
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec configCommand(IFactory f) throws Exception {
        ConfigCommand c = f.create(ConfigCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Inspect the layered configuration.");
        s.name("config");
        c.spec = s;
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec configShowCommand(IFactory f) throws Exception {
        ConfigShowCommand c = f.create(ConfigShowCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Print each effective setting and where it came from.", "Layers, lowest first: default, dask-jobqueue's jobqueue.yaml, site file, user file, profile (site, then user), HPC_DASK_<KEY>, flags.");
        s.name("show");
        s.usageMessage().sortOptions(false);
        c.spec = s;
        OutputOptions m0 = c.output;
        if (m0 == null) {
            m0 = f.create(OutputOptions.class);
            c.output = m0;
        }
        s.addMixin("output", outputOptions(m0, f));
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec doctorCommand(IFactory f) throws Exception {
        DoctorCommand c = f.create(DoctorCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Checks, one line each, everything workers need on a cluster: the SSH host key is known, the SSH login works, the batch system's commands are there (and their version), java 17+ is on the remote PATH, the worker jar is uploaded (~/.hpc-dask/lib), and the batch system accepts a test job (sbatch --test-only, or a held PBS job that is deleted at once). Then, for slurm and pbs, it submits one short job whose compute node dials the address workers would (scheduler-address, or where a server on the login node would listen) and reports what happened; the job is cancelled after. Exits 0 only when all pass.");
        s.usageMessage().footer("  hpc-dask doctor --system slurm --ssh alice@login.cluster.org", "  hpc-dask doctor --system pbs --ssh cluster-alias --ssh-accept-new", "  hpc-dask doctor --system slurm --scheduler-address login1-ib:40001", "  hpc-dask doctor --system slurm --no-network", "  hpc-dask doctor --system local", "  hpc-dask doctor --system slurm -o json > doctor.json");
        s.usageMessage().footerHeading("%nExamples:%n");
        s.name("doctor");
        c.spec = s;
        SshOptions m0 = c.sshOptions;
        if (m0 == null) {
            m0 = f.create(SshOptions.class);
            c.sshOptions = m0;
        }
        s.addMixin("sshOptions", sshOptions(m0, f));
        FieldBinding b9 = new FieldBinding() {
            @Override
            Object read() {
                return c.noNetwork;
            }

            @Override
            void write(Object v) {
                c.noNetwork = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("--no-network")
                .description("Skip the network check (the test job that probes, from a compute node, the address workers would dial); it takes as long as the job needs to start.")
                .paramLabel("<noNetwork>")
                .descriptionKey("")
                .initialValue(c.noNetwork)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b9).getter(b9).build());
        OutputOptions m1 = c.output;
        if (m1 == null) {
            m1 = f.create(OutputOptions.class);
            c.output = m1;
        }
        s.addMixin("output", outputOptions(m1, f));
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec clusterCommand(IFactory f) throws Exception {
        ClusterCommand c = f.create(ClusterCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Start, inspect and stop a cluster.");
        s.name("cluster");
        c.spec = s;
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec clusterUpCommand(IFactory f) throws Exception {
        ClusterUpCommand c = f.create(ClusterUpCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Start a cluster: the scheduler server in the background and its workers.", "Without --system (or the 'system' key) it uses SLURM when sbatch is on the PATH where batch commands run (over --ssh, or here), PBS when qsub is, else local worker processes; its first line says which.", "With slurm or pbs, workers are batch jobs: --workers N submits N at once; 'hpc-dask scale N' changes the number later. With --ssh the scheduler server runs on the login node (--server remote, the default) and this machine needs only SSH; --server here keeps it on this machine.", "Returns once the server listens (and local workers have connected), after printing where workers dial.");
        s.usageMessage().footer("", "Examples:", "  hpc-dask cluster up --cores 2 --memory 8G --walltime 00:30:00     # on a login node", "  hpc-dask cluster up --system slurm --ssh alice@login.cluster.org --cores 2 --memory 8G", "  hpc-dask cluster up --system local --workers 2 --resources gpu=2");
        s.name("up");
        s.usageMessage().sortOptions(false);
        c.spec = s;
        ClusterNameMixin m0 = c.cluster;
        if (m0 == null) {
            m0 = f.create(ClusterNameMixin.class);
            c.cluster = m0;
        }
        s.addMixin("cluster", clusterNameMixin(m0, f));
        FieldBinding b10 = new FieldBinding() {
            @Override
            Object read() {
                return c.workersOption;
            }

            @Override
            void write(Object v) {
                c.workersOption = (Integer) v;
            }
        };
        s.addOption(OptionSpec.builder("--workers")
                .description("workers to start: local processes (default: 1; 0 starts the scheduler alone, runs stay staged), or batch jobs submitted at once (default: 0; add them with 'hpc-dask scale N')")
                .paramLabel("N")
                .descriptionKey("")
                .initialValue(c.workersOption)
                .type(Integer.class).auxiliaryTypes(Integer.class)
                .setter(b10).getter(b10).build());
        FieldBinding b11 = new FieldBinding() {
            @Override
            Object read() {
                return c.slots;
            }

            @Override
            void write(Object v) {
                c.slots = (Integer) v;
            }
        };
        s.addOption(OptionSpec.builder("--slots")
                .description("runs each worker takes at once (default: its cores)")
                .paramLabel("N")
                .descriptionKey("")
                .initialValue(c.slots)
                .type(Integer.class).auxiliaryTypes(Integer.class)
                .setter(b11).getter(b11).build());
        FieldBinding b12 = new FieldBinding() {
            @Override
            Object read() {
                return c.foreground;
            }

            @Override
            void write(Object v) {
                c.foreground = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("--foreground")
                .description("stay attached and log to the terminal; Ctrl-C stops the cluster")
                .paramLabel("<foreground>")
                .descriptionKey("")
                .initialValue(c.foreground)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b12).getter(b12).build());
        FieldBinding b13 = new FieldBinding() {
            @Override
            Object read() {
                return c.noArray;
            }

            @Override
            void write(Object v) {
                c.noArray = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("--no-array")
                .description("submit N workers as N jobs, not one job array (for sites that forbid arrays)")
                .paramLabel("<noArray>")
                .descriptionKey("")
                .initialValue(c.noArray)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b13).getter(b13).build());
        SshOptions m1 = c.ssh;
        if (m1 == null) {
            m1 = f.create(SshOptions.class);
            c.ssh = m1;
        }
        s.addMixin("ssh", sshOptions(m1, f));
        FieldBinding b14 = new FieldBinding() {
            @Override
            Object read() {
                return c.runOnce;
            }

            @Override
            void write(Object v) {
                c.runOnce = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("--run-once")
                .description("start the staged runs that can start, wait for them, print how many were processed, then shut down (runs that cannot start stay staged)")
                .paramLabel("<runOnce>")
                .descriptionKey("")
                .initialValue(c.runOnce)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b14).getter(b14).build());
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec clusterStatusCommand(IFactory f) throws Exception {
        ClusterStatusCommand c = f.create(ClusterStatusCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Show whether a cluster runs, its addresses, workers and run counts (exit 3 when it does not run).");
        s.name("status");
        c.spec = s;
        ClusterNameMixin m0 = c.cluster;
        if (m0 == null) {
            m0 = f.create(ClusterNameMixin.class);
            c.cluster = m0;
        }
        s.addMixin("cluster", clusterNameMixin(m0, f));
        OutputOptions m1 = c.output;
        if (m1 == null) {
            m1 = f.create(OutputOptions.class);
            c.output = m1;
        }
        s.addMixin("output", outputOptions(m1, f));
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec clusterDownCommand(IFactory f) throws Exception {
        ClusterDownCommand c = f.create(ClusterDownCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Stop a cluster: its workers first (their runs are killed), then the server.", "Staged runs stay in the store for the next 'cluster up'. A cluster already stopped is left so (exit 0).");
        s.name("down");
        c.spec = s;
        ClusterNameMixin m0 = c.cluster;
        if (m0 == null) {
            m0 = f.create(ClusterNameMixin.class);
            c.cluster = m0;
        }
        s.addMixin("cluster", clusterNameMixin(m0, f));
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec clusterListCommand(IFactory f) throws Exception {
        ClusterListCommand c = f.create(ClusterListCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("List the clusters of this machine: name, batch system, state (running, stopped, unreachable), the address workers dial, connected workers and runs by state.", "A running cluster is asked for its status; one that does not answer within seconds is shown unreachable.", "Commands choose a cluster with --name, else HPC_DASK_CLUSTER, else the only one there is.");
        s.usageMessage().footer("  hpc-dask cluster list", "  hpc-dask cluster list --output json", "  export HPC_DASK_CLUSTER=gpu    # later commands talk to 'gpu'");
        s.usageMessage().footerHeading("%nExamples:%n");
        s.name("list");
        c.spec = s;
        OutputOptions m0 = c.output;
        if (m0 == null) {
            m0 = f.create(OutputOptions.class);
            c.output = m0;
        }
        s.addMixin("output", outputOptions(m0, f));
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec scaleCommand(IFactory f) throws Exception {
        ScaleCommand c = f.create(ScaleCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Set the number of workers of a profile of a running batch cluster.", "Up: the missing workers are submitted (one job array where the batch system has arrays).", "Down: pending jobs are cancelled first, then idle workers stop, then busy ones drain.", "A refused submission is shown verbatim and exits 1.");
        s.usageMessage().footer("  hpc-dask scale 8 --wait", "  hpc-dask scale 2 --profile gpu", "  hpc-dask scale 0", "  hpc-dask scale 4 -o quiet   # the job ids submitted");
        s.usageMessage().footerHeading("%nExamples:%n");
        s.name("scale");
        s.usageMessage().sortOptions(false);
        c.spec = s;
        ClusterNameMixin m0 = c.cluster;
        if (m0 == null) {
            m0 = f.create(ClusterNameMixin.class);
            c.cluster = m0;
        }
        s.addMixin("cluster", clusterNameMixin(m0, f));
        FieldBinding b15 = new FieldBinding() {
            @Override
            Object read() {
                return c.count;
            }

            @Override
            void write(Object v) {
                c.count = (String) v;
            }
        };
        s.addPositional(PositionalParamSpec.builder()
                .description("the number of workers wanted (0 or more)")
                .index("0")
                .paramLabel("N")
                .required(true)
                .descriptionKey("")
                .initialValue(c.count)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b15).getter(b15).build());
        FieldBinding b16 = new FieldBinding() {
            @Override
            Object read() {
                return c.profile;
            }

            @Override
            void write(Object v) {
                c.profile = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("--profile")
                .description("the worker profile (default: the cluster's first)")
                .paramLabel("P")
                .descriptionKey("")
                .initialValue(c.profile)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b16).getter(b16).build());
        FieldBinding b17 = new FieldBinding() {
            @Override
            Object read() {
                return c.await;
            }

            @Override
            void write(Object v) {
                c.await = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("--wait")
                .description("show progress and return once N workers are connected")
                .paramLabel("<await>")
                .descriptionKey("")
                .initialValue(c.await)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b17).getter(b17).build());
        FieldBinding b18 = new FieldBinding() {
            @Override
            Object read() {
                return c.timeout;
            }

            @Override
            void write(Object v) {
                c.timeout = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("--timeout")
                .defaultValue("10m")
                .description("with --wait, give up after D: bare seconds, or 90s, 10m, 1h30m, 2d, HH:MM:SS or D-HH:MM:SS (default: ${DEFAULT-VALUE})")
                .paramLabel("D")
                .descriptionKey("")
                .initialValue(c.timeout)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b18).getter(b18).build());
        FieldBinding b19 = new FieldBinding() {
            @Override
            Object read() {
                return c.noArray;
            }

            @Override
            void write(Object v) {
                c.noArray = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("--no-array")
                .description("submit N jobs instead of one job array (for sites that forbid arrays)")
                .paramLabel("<noArray>")
                .descriptionKey("")
                .initialValue(c.noArray)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b19).getter(b19).build());
        OutputOptions m1 = c.output;
        if (m1 == null) {
            m1 = f.create(OutputOptions.class);
            c.output = m1;
        }
        s.addMixin("output", outputOptions(m1, f));
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec adaptCommand(IFactory f) throws Exception {
        AdaptCommand c = f.create(AdaptCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Let a profile's worker count follow demand: the staged runs that fit its workers.", "Scale-up is immediate, up to --max, with at most --max-pending jobs pending; pending jobs no longer needed", "are cancelled at once; a worker stops after --idle-timeout with nothing to do and no staged run for it,", "down to --min. Runs no profile can take ask for nothing. 'scale N' on the profile turns adapting off.");
        s.usageMessage().footer("  hpc-dask adapt --min 0 --max 20", "  hpc-dask adapt --profile gpu --max 4 --idle-timeout 10m --max-pending 2", "  hpc-dask adapt --profile gpu --off", "  hpc-dask adapt --max 8 -o json");
        s.usageMessage().footerHeading("%nExamples:%n");
        s.name("adapt");
        s.usageMessage().sortOptions(false);
        c.spec = s;
        ClusterNameMixin m0 = c.cluster;
        if (m0 == null) {
            m0 = f.create(ClusterNameMixin.class);
            c.cluster = m0;
        }
        s.addMixin("cluster", clusterNameMixin(m0, f));
        FieldBinding b20 = new FieldBinding() {
            @Override
            Object read() {
                return c.profile;
            }

            @Override
            void write(Object v) {
                c.profile = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("--profile")
                .description("the worker profile (default: the cluster's first)")
                .paramLabel("P")
                .descriptionKey("")
                .initialValue(c.profile)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b20).getter(b20).build());
        FieldBinding b21 = new FieldBinding() {
            @Override
            Object read() {
                return c.min;
            }

            @Override
            void write(Object v) {
                c.min = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("--min")
                .defaultValue("0")
                .description("workers kept even without demand (default: ${DEFAULT-VALUE})")
                .paramLabel("N")
                .descriptionKey("")
                .initialValue(c.min)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b21).getter(b21).build());
        FieldBinding b22 = new FieldBinding() {
            @Override
            Object read() {
                return c.max;
            }

            @Override
            void write(Object v) {
                c.max = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("--max")
                .description("workers at most (required unless --off)")
                .paramLabel("M")
                .descriptionKey("")
                .initialValue(c.max)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b22).getter(b22).build());
        FieldBinding b23 = new FieldBinding() {
            @Override
            Object read() {
                return c.idleTimeout;
            }

            @Override
            void write(Object v) {
                c.idleTimeout = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("--idle-timeout")
                .defaultValue("5m")
                .description("stop a worker idle this long: 90s, 10m, 1h30m, 2d, HH:MM:SS or D-HH:MM:SS or bare seconds (default: ${DEFAULT-VALUE})")
                .paramLabel("D")
                .descriptionKey("")
                .initialValue(c.idleTimeout)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b23).getter(b23).build());
        FieldBinding b24 = new FieldBinding() {
            @Override
            Object read() {
                return c.maxPending;
            }

            @Override
            void write(Object v) {
                c.maxPending = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("--max-pending")
                .description("jobs pending in the batch system at once, at most (default: no limit but --max)")
                .paramLabel("J")
                .descriptionKey("")
                .initialValue(c.maxPending)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b24).getter(b24).build());
        FieldBinding b25 = new FieldBinding() {
            @Override
            Object read() {
                return c.off;
            }

            @Override
            void write(Object v) {
                c.off = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("--off")
                .description("stop adapting; the profile keeps the workers it has")
                .paramLabel("<off>")
                .descriptionKey("")
                .initialValue(c.off)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b25).getter(b25).build());
        OutputOptions m1 = c.output;
        if (m1 == null) {
            m1 = f.create(OutputOptions.class);
            c.output = m1;
        }
        s.addMixin("output", outputOptions(m1, f));
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec workersCommand(IFactory f) throws Exception {
        WorkersCommand c = f.create(WorkersCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("List the workers connected to a cluster.");
        s.usageMessage().footer("  hpc-dask workers", "  hpc-dask workers -o json", "  hpc-dask workers -o quiet");
        s.usageMessage().footerHeading("%nExamples:%n");
        s.name("workers");
        c.spec = s;
        ClusterNameMixin m0 = c.cluster;
        if (m0 == null) {
            m0 = f.create(ClusterNameMixin.class);
            c.cluster = m0;
        }
        s.addMixin("cluster", clusterNameMixin(m0, f));
        OutputOptions m1 = c.output;
        if (m1 == null) {
            m1 = f.create(OutputOptions.class);
            c.output = m1;
        }
        s.addMixin("output", outputOptions(m1, f));
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec dashboardCommand(IFactory f) throws Exception {
        DashboardCommand c = f.create(DashboardCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Open the cluster's live dashboard: prints a one-time login link and opens it in a browser.", "The link works once, within 60 s; the browser then keeps a session cookie (HttpOnly, SameSite=Strict) until the server stops or 12 h pass. A browser opens when $BROWSER is set, or xdg-open and a display exist; else open the link yourself.", "When the scheduler server runs on a login node, this forwards a port of this machine to it over SSH and stays in the foreground holding the forward; Ctrl-C ends it (exit 0).");
        Map<String, String> exitCodes = new LinkedHashMap<>();
        exitCodes.put("0", "the link was printed (remote: the forward ended by Ctrl-C)");
        exitCodes.put("1", "the scheduler or SSH failed");
        exitCodes.put("2", "bad input");
        exitCodes.put("3", "the cluster does not run");
        s.usageMessage().exitCodeList(exitCodes);
        s.usageMessage().exitCodeListHeading("%nExit codes:%n");
        s.usageMessage().footer("  hpc-dask dashboard                 # prints the link, opens a browser", "  hpc-dask dashboard --name gpu --no-browser", "  hpc-dask dashboard --port 8787      # server on a login node: local port 8787");
        s.usageMessage().footerHeading("%nExamples:%n");
        s.name("dashboard");
        s.usageMessage().sortOptions(false);
        c.spec = s;
        ClusterNameMixin m0 = c.cluster;
        if (m0 == null) {
            m0 = f.create(ClusterNameMixin.class);
            c.cluster = m0;
        }
        s.addMixin("cluster", clusterNameMixin(m0, f));
        FieldBinding b26 = new FieldBinding() {
            @Override
            Object read() {
                return c.noBrowser;
            }

            @Override
            void write(Object v) {
                c.noBrowser = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("--no-browser")
                .description("only print the link")
                .paramLabel("<noBrowser>")
                .descriptionKey("")
                .initialValue(c.noBrowser)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b26).getter(b26).build());
        FieldBinding b27 = new FieldBinding() {
            @Override
            Object read() {
                return c.port;
            }

            @Override
            void write(Object v) {
                c.port = (Integer) v;
            }
        };
        s.addOption(OptionSpec.builder("--port")
                .description("server on a login node: the local port to forward (default: a free one)")
                .paramLabel("P")
                .descriptionKey("")
                .initialValue(c.port)
                .type(Integer.class).auxiliaryTypes(Integer.class)
                .setter(b27).getter(b27).build());
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec submitCommand(IFactory f) throws Exception {
        SubmitCommand c = f.create(SubmitCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Stage work on a running cluster.");
        s.name("submit");
        c.spec = s;
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec submitRunCommand(IFactory f) throws Exception {
        SubmitRunCommand c = f.create(SubmitRunCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Stage a run (or many) on a running cluster and print its id (one per line).", "Requirements come from tags starting with 'dask:', e.g. --tag 'dask:gpu=1 foo=2'; several tags merge.", "hpc-dask's options come before the command: everything from CMD on is the command's own ('--' works too).");
        s.usageMessage().footer("  hpc-dask submit run python3 -c 'print(1)'", "  hpc-dask submit run --tag 'dask:gpu=1' --label train --wait python train.py --epochs 10", "  hpc-dask submit run --array 1-100 --shell 'python sweep.py --index $HPC_DASK_ARRAY_INDEX'", "  hpc-dask submit run --each-line inputs.txt --wait -- ./process.sh");
        s.usageMessage().footerHeading("%nExamples:%n");
        s.name("run");
        s.usageMessage().sortOptions(false);
        c.spec = s;
        ClusterNameMixin m0 = c.cluster;
        if (m0 == null) {
            m0 = f.create(ClusterNameMixin.class);
            c.cluster = m0;
        }
        s.addMixin("cluster", clusterNameMixin(m0, f));
        FieldBinding b28 = new FieldBinding() {
            @Override
            Object read() {
                return c.tags;
            }

            @Override
            void write(Object v) {
                c.tags = (java.util.List<java.lang.String>) v;
            }
        };
        s.addOption(OptionSpec.builder("--tag")
                .description("a tag; 'dask:KEY=VAL ...' sets requirements (repeatable)")
                .paramLabel("TAG")
                .descriptionKey("")
                .initialValue(c.tags)
                .type(java.util.List.class).auxiliaryTypes(String.class)
                .setter(b28).getter(b28).build());
        FieldBinding b29 = new FieldBinding() {
            @Override
            Object read() {
                return c.cwd;
            }

            @Override
            void write(Object v) {
                c.cwd = (java.nio.file.Path) v;
            }
        };
        s.addOption(OptionSpec.builder("--cwd")
                .description("working directory of the run (default: the current one; with the server on a login node, a directory there, default 'remote-directory' or the remote home)")
                .paramLabel("DIR")
                .descriptionKey("")
                .initialValue(c.cwd)
                .type(java.nio.file.Path.class).auxiliaryTypes(java.nio.file.Path.class)
                .setter(b29).getter(b29).build());
        FieldBinding b30 = new FieldBinding() {
            @Override
            Object read() {
                return c.env;
            }

            @Override
            void write(Object v) {
                c.env = (java.util.List<java.lang.String>) v;
            }
        };
        s.addOption(OptionSpec.builder("--env")
                .description("extra environment variable for the run (repeatable)")
                .paramLabel("NAME=VALUE")
                .descriptionKey("")
                .initialValue(c.env)
                .type(java.util.List.class).auxiliaryTypes(String.class)
                .setter(b30).getter(b30).build());
        FieldBinding b31 = new FieldBinding() {
            @Override
            Object read() {
                return c.label;
            }

            @Override
            void write(Object v) {
                c.label = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("--label")
                .description("a label shown by 'hpc-dask runs'")
                .paramLabel("LABEL")
                .descriptionKey("")
                .initialValue(c.label)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b31).getter(b31).build());
        FieldBinding b32 = new FieldBinding() {
            @Override
            Object read() {
                return c.shell;
            }

            @Override
            void write(Object v) {
                c.shell = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("--shell")
                .description("run the command line through 'bash -c' (its words joined by spaces)")
                .paramLabel("<shell>")
                .descriptionKey("")
                .initialValue(c.shell)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b32).getter(b32).build());
        FieldBinding b33 = new FieldBinding() {
            @Override
            Object read() {
                return c.await;
            }

            @Override
            void write(Object v) {
                c.await = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("--wait")
                .description("follow the run(s) and exit with the exit status (the worst one when several)")
                .paramLabel("<await>")
                .descriptionKey("")
                .initialValue(c.await)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b33).getter(b33).build());
        FieldBinding b34 = new FieldBinding() {
            @Override
            Object read() {
                return c.array;
            }

            @Override
            void write(Object v) {
                c.array = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("--array")
                .description("one run per index (e.g. 1-1000), with HPC_DASK_ARRAY_INDEX set to it")
                .paramLabel("RANGE")
                .descriptionKey("")
                .initialValue(c.array)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b34).getter(b34).build());
        FieldBinding b35 = new FieldBinding() {
            @Override
            Object read() {
                return c.eachLine;
            }

            @Override
            void write(Object v) {
                c.eachLine = (java.nio.file.Path) v;
            }
        };
        s.addOption(OptionSpec.builder("--each-line")
                .description("one run per non-empty line of FILE, with HPC_DASK_ENTRY set to the line")
                .paramLabel("FILE")
                .descriptionKey("")
                .initialValue(c.eachLine)
                .type(java.nio.file.Path.class).auxiliaryTypes(java.nio.file.Path.class)
                .setter(b35).getter(b35).build());
        RunPolicyOptions m1 = c.policies;
        if (m1 == null) {
            m1 = f.create(RunPolicyOptions.class);
            c.policies = m1;
        }
        s.addMixin("policies", runPolicyOptions(m1, f));
        FieldBinding b41 = new FieldBinding() {
            @Override
            Object read() {
                return c.command;
            }

            @Override
            void write(Object v) {
                c.command = (java.util.List<java.lang.String>) v;
            }
        };
        s.addPositional(PositionalParamSpec.builder()
                .arity("1..*")
                .description("the command and its arguments")
                .paramLabel("CMD")
                .required(true)
                .descriptionKey("")
                .initialValue(c.command)
                .type(java.util.List.class).auxiliaryTypes(String.class)
                .setter(b41).getter(b41).build());
        OutputOptions m2 = c.output;
        if (m2 == null) {
            m2 = f.create(OutputOptions.class);
            c.output = m2;
        }
        s.addMixin("output", outputOptions(m2, f));
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        s = f.create(OptionsBeforeCommand.class).transform(s);
        return s;
    }

    private static CommandSpec runsCommand(IFactory f) throws Exception {
        RunsCommand c = f.create(RunsCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("List the latest runs in staging order, with how long each ran and why a staged run waits or why a run could not start.", "Answers from the cluster's store when the cluster is down. The table fits the terminal (COLUMNS, else its width): the COMMAND column is shortened first.");
        s.usageMessage().footer("  hpc-dask runs", "  hpc-dask runs --last 10 --state error,lost", "  hpc-dask runs --label 'sweep-*' --summary", "  hpc-dask runs --last 0 -o json > runs.json", "  hpc-dask runs --state staged -o quiet | wc -l");
        s.usageMessage().footerHeading("%nExamples:%n");
        s.name("runs");
        s.usageMessage().sortOptions(false);
        c.spec = s;
        ClusterNameMixin m0 = c.cluster;
        if (m0 == null) {
            m0 = f.create(ClusterNameMixin.class);
            c.cluster = m0;
        }
        s.addMixin("cluster", clusterNameMixin(m0, f));
        FieldBinding b42 = new FieldBinding() {
            @Override
            Object read() {
                return c.states;
            }

            @Override
            void write(Object v) {
                c.states = (java.util.List<java.lang.String>) v;
            }
        };
        s.addOption(OptionSpec.builder("--state")
                .description("only runs in these states (comma-separated): staged, running, completed, error, terminated, lost or timeout")
                .paramLabel("STATE")
                .splitRegex(",")
                .descriptionKey("")
                .initialValue(c.states)
                .type(java.util.List.class).auxiliaryTypes(String.class)
                .setter(b42).getter(b42).build());
        FieldBinding b43 = new FieldBinding() {
            @Override
            Object read() {
                return c.label;
            }

            @Override
            void write(Object v) {
                c.label = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("--label")
                .description("only runs whose label matches L: a glob ('*' any text, '?' one character), else exactly")
                .paramLabel("L")
                .descriptionKey("")
                .initialValue(c.label)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b43).getter(b43).build());
        FieldBinding b44 = new FieldBinding() {
            @Override
            Object read() {
                return c.limit;
            }

            @Override
            void write(Object v) {
                c.limit = (Integer) v;
            }
        };
        s.addOption(OptionSpec.builder("--last", "--limit")
                .defaultValue("50")
                .description("show the latest N runs (default: ${DEFAULT-VALUE}; 0 for all)")
                .paramLabel("N")
                .descriptionKey("")
                .initialValue(c.limit)
                .type(int.class).auxiliaryTypes(int.class)
                .setter(b44).getter(b44).build());
        FieldBinding b45 = new FieldBinding() {
            @Override
            Object read() {
                return c.summary;
            }

            @Override
            void write(Object v) {
                c.summary = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("--summary")
                .description("only the number of runs in each state (of those --label and --state match)")
                .paramLabel("<summary>")
                .descriptionKey("")
                .initialValue(c.summary)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b45).getter(b45).build());
        OutputOptions m1 = c.output;
        if (m1 == null) {
            m1 = f.create(OutputOptions.class);
            c.output = m1;
        }
        s.addMixin("output", outputOptions(m1, f));
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec logsCommand(IFactory f) throws Exception {
        LogsCommand c = f.create(LogsCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Print a run's output: its stdout to stdout and its stderr to stderr, in the order they arrived.", "Without RUN: the most recently staged run.", "", "Examples:", "  hpc-dask logs 12                 both streams", "  hpc-dask logs 12 >out.txt 2>err.txt", "  hpc-dask logs --stderr 12        only what run 12 wrote to stderr (printed to stdout)", "  hpc-dask logs --stdout -f        follow the latest run's stdout until it ends");
        s.name("logs");
        c.spec = s;
        ClusterNameMixin m0 = c.cluster;
        if (m0 == null) {
            m0 = f.create(ClusterNameMixin.class);
            c.cluster = m0;
        }
        s.addMixin("cluster", clusterNameMixin(m0, f));
        FieldBinding b46 = new FieldBinding() {
            @Override
            Object read() {
                return c.id;
            }

            @Override
            void write(Object v) {
                c.id = (String) v;
            }
        };
        s.addPositional(PositionalParamSpec.builder()
                .arity("0..1")
                .description("run id (default: the latest run)")
                .paramLabel("RUN")
                .descriptionKey("")
                .initialValue(c.id)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b46).getter(b46).build());
        FieldBinding b47 = new FieldBinding() {
            @Override
            Object read() {
                return c.follow;
            }

            @Override
            void write(Object v) {
                c.follow = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("-f", "--follow")
                .description("keep printing output until the run ends; exit with its status")
                .paramLabel("<follow>")
                .descriptionKey("")
                .initialValue(c.follow)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b47).getter(b47).build());
        FieldBinding b48 = new FieldBinding() {
            @Override
            Object read() {
                return c.stdoutOnly;
            }

            @Override
            void write(Object v) {
                c.stdoutOnly = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("--stdout")
                .description("only the run's stdout")
                .paramLabel("<stdoutOnly>")
                .descriptionKey("")
                .initialValue(c.stdoutOnly)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b48).getter(b48).build());
        FieldBinding b49 = new FieldBinding() {
            @Override
            Object read() {
                return c.stderrOnly;
            }

            @Override
            void write(Object v) {
                c.stderrOnly = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("--stderr")
                .description("only the run's stderr (printed to stdout, for pipes)")
                .paramLabel("<stderrOnly>")
                .descriptionKey("")
                .initialValue(c.stderrOnly)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b49).getter(b49).build());
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec cancelCommand(IFactory f) throws Exception {
        CancelCommand c = f.create(CancelCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Cancel staged or running runs; a running run's whole process group is killed.", "The scheduler cancels every run selected in one step. Filters combine: --state running --label sweep", "cancels the running runs labelled sweep. Runs that already ended are left as they are; when nothing", "matches, it says so and exits 0.", "", "Examples:", "  hpc-dask cancel 12", "  hpc-dask cancel 3-1002 1500        a range and an id", "  hpc-dask cancel --state staged", "  hpc-dask cancel --label sweep", "  hpc-dask cancel --all");
        s.name("cancel");
        c.spec = s;
        ClusterNameMixin m0 = c.cluster;
        if (m0 == null) {
            m0 = f.create(ClusterNameMixin.class);
            c.cluster = m0;
        }
        s.addMixin("cluster", clusterNameMixin(m0, f));
        FieldBinding b50 = new FieldBinding() {
            @Override
            Object read() {
                return c.ids;
            }

            @Override
            void write(Object v) {
                c.ids = (java.util.List<java.lang.String>) v;
            }
        };
        s.addPositional(PositionalParamSpec.builder()
                .arity("0..*")
                .description("run ids and ranges (12, 3-1002)")
                .paramLabel("RUN")
                .descriptionKey("")
                .initialValue(c.ids)
                .type(java.util.List.class).auxiliaryTypes(String.class)
                .setter(b50).getter(b50).build());
        FieldBinding b51 = new FieldBinding() {
            @Override
            Object read() {
                return c.all;
            }

            @Override
            void write(Object v) {
                c.all = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("--all")
                .description("every staged or running run")
                .paramLabel("<all>")
                .descriptionKey("")
                .initialValue(c.all)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b51).getter(b51).build());
        FieldBinding b52 = new FieldBinding() {
            @Override
            Object read() {
                return c.states;
            }

            @Override
            void write(Object v) {
                c.states = (java.util.List<java.lang.String>) v;
            }
        };
        s.addOption(OptionSpec.builder("--state")
                .description("only runs in these states (staged, running)")
                .paramLabel("S")
                .splitRegex(",")
                .descriptionKey("")
                .initialValue(c.states)
                .type(java.util.List.class).auxiliaryTypes(String.class)
                .setter(b52).getter(b52).build());
        FieldBinding b53 = new FieldBinding() {
            @Override
            Object read() {
                return c.label;
            }

            @Override
            void write(Object v) {
                c.label = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("--label")
                .description("only runs with this label")
                .paramLabel("L")
                .descriptionKey("")
                .initialValue(c.label)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b53).getter(b53).build());
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec retryCommand(IFactory f) throws Exception {
        RetryCommand c = f.create(RetryCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Stage finished runs again, each as a new attempt of the same run: same id, its attempts go on,", "its --retries and --max-attempts count afresh, its log gets an attempt header. By default the runs", "that ended error, lost or timeout; name ids (or ranges) and --state/--label to choose.");
        s.usageMessage().footer("  hpc-dask retry                        # every run that ended error, lost or timeout", "  hpc-dask retry 12 15-20               # those of these runs that ended error, lost or timeout", "  hpc-dask retry --state timeout --label sweep", "  hpc-dask retry --state terminated 13  # a run cancelled because its dependency failed");
        s.usageMessage().footerHeading("%nExamples:%n");
        s.name("retry");
        c.spec = s;
        ClusterNameMixin m0 = c.cluster;
        if (m0 == null) {
            m0 = f.create(ClusterNameMixin.class);
            c.cluster = m0;
        }
        s.addMixin("cluster", clusterNameMixin(m0, f));
        FieldBinding b54 = new FieldBinding() {
            @Override
            Object read() {
                return c.states;
            }

            @Override
            void write(Object v) {
                c.states = (java.util.List<java.lang.String>) v;
            }
        };
        s.addOption(OptionSpec.builder("--state")
                .description("finished states to retry (default: error,lost,timeout)")
                .paramLabel("STATE[,STATE]")
                .splitRegex(",")
                .descriptionKey("")
                .initialValue(c.states)
                .type(java.util.List.class).auxiliaryTypes(String.class)
                .setter(b54).getter(b54).build());
        FieldBinding b55 = new FieldBinding() {
            @Override
            Object read() {
                return c.label;
            }

            @Override
            void write(Object v) {
                c.label = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("--label")
                .description("only runs with this label")
                .paramLabel("LABEL")
                .descriptionKey("")
                .initialValue(c.label)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b55).getter(b55).build());
        FieldBinding b56 = new FieldBinding() {
            @Override
            Object read() {
                return c.ids;
            }

            @Override
            void write(Object v) {
                c.ids = (java.util.List<java.lang.String>) v;
            }
        };
        s.addPositional(PositionalParamSpec.builder()
                .arity("0..*")
                .description("run ids or ranges (e.g. 12 15-20); default: all")
                .paramLabel("IDS")
                .descriptionKey("")
                .initialValue(c.ids)
                .type(java.util.List.class).auxiliaryTypes(String.class)
                .setter(b56).getter(b56).build());
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec completionCommand(IFactory f) throws Exception {
        CompletionCommand c = f.create(CompletionCommand.class);
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        s.usageMessage().description("Print the shell completion script of hpc-dask for bash, zsh or fish.", "Subcommands, options and the values of options with a fixed set (--system) complete on TAB.");
        s.usageMessage().footer("  bash: echo 'source <(hpc-dask completion bash)' >> ~/.bashrc", "  zsh:  echo 'source <(hpc-dask completion zsh)' >> ~/.zshrc", "  fish: hpc-dask completion fish > ~/.config/fish/completions/hpc-dask.fish");
        s.usageMessage().footerHeading("%nEnable it:%n");
        s.name("completion");
        c.spec = s;
        FieldBinding b57 = new FieldBinding() {
            @Override
            Object read() {
                return c.shell;
            }

            @Override
            void write(Object v) {
                c.shell = (String) v;
            }
        };
        s.addPositional(PositionalParamSpec.builder()
                .description("bash, zsh or fish")
                .index("0")
                .paramLabel("SHELL")
                .required(true)
                .descriptionKey("")
                .initialValue(c.shell)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b57).getter(b57).build());
        s.addMixin("mixinStandardHelpOptions", standardHelp(f));
        return s;
    }

    private static CommandSpec clusterNameMixin(ClusterNameMixin c, IFactory f) throws Exception {
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        FieldBinding b0 = new FieldBinding() {
            @Override
            Object read() {
                return c.name;
            }

            @Override
            void write(Object v) {
                c.name = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("--name")
                .description("the cluster (default: $HPC_DASK_CLUSTER, else the only one that exists, else 'default')")
                .paramLabel("NAME")
                .descriptionKey("")
                .initialValue(c.name)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b0).getter(b0).build());
        return s;
    }

    private static CommandSpec sshOptions(SshOptions c, IFactory f) throws Exception {
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        FieldBinding b1 = new FieldBinding() {
            @Override
            Object read() {
                return c.ssh;
            }

            @Override
            void write(Object v) {
                c.ssh = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("--ssh")
                .description("The login node: [user@]host[:port] or a Host alias from ~/.ssh/config. Without it, commands run on this machine.")
                .paramLabel("TARGET")
                .descriptionKey("")
                .initialValue(c.ssh)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b1).getter(b1).build());
        FieldBinding b2 = new FieldBinding() {
            @Override
            Object read() {
                return c.acceptNew;
            }

            @Override
            void write(Object v) {
                c.acceptNew = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("--ssh-accept-new")
                .description("Add an unknown host key to known_hosts instead of refusing. A changed key is always refused.")
                .paramLabel("<acceptNew>")
                .descriptionKey("")
                .initialValue(c.acceptNew)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b2).getter(b2).build());
        FieldBinding b3 = new FieldBinding() {
            @Override
            Object read() {
                return c.knownHosts;
            }

            @Override
            void write(Object v) {
                c.knownHosts = (java.nio.file.Path) v;
            }
        };
        s.addOption(OptionSpec.builder("--known-hosts")
                .defaultValue("${env:HPC_DASK_KNOWN_HOSTS}")
                .description("known_hosts file to check host keys against (default: $HPC_DASK_KNOWN_HOSTS, else UserKnownHostsFile from ~/.ssh/config, else ~/.ssh/known_hosts).")
                .paramLabel("FILE")
                .descriptionKey("")
                .initialValue(c.knownHosts)
                .type(java.nio.file.Path.class).auxiliaryTypes(java.nio.file.Path.class)
                .setter(b3).getter(b3).build());
        FieldBinding b4 = new FieldBinding() {
            @Override
            Object read() {
                return c.identities;
            }

            @Override
            void write(Object v) {
                c.identities = (java.util.List<java.nio.file.Path>) v;
            }
        };
        s.addOption(OptionSpec.builder("-i", "--identity")
                .description("Private key file (repeatable; replaces IdentityFile from ~/.ssh/config; default: $HPC_DASK_SSH_IDENTITY, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa). Keys in the ssh-agent at $SSH_AUTH_SOCK are offered too.")
                .paramLabel("FILE")
                .descriptionKey("")
                .initialValue(c.identities)
                .type(java.util.List.class).auxiliaryTypes(java.nio.file.Path.class)
                .setter(b4).getter(b4).build());
        FieldBinding b5 = new FieldBinding() {
            @Override
            Object read() {
                return c.sshConfig;
            }

            @Override
            void write(Object v) {
                c.sshConfig = (java.nio.file.Path) v;
            }
        };
        s.addOption(OptionSpec.builder("--ssh-config")
                .description("ssh config to read instead of ~/.ssh/config.")
                .paramLabel("FILE")
                .descriptionKey("")
                .initialValue(c.sshConfig)
                .type(java.nio.file.Path.class).auxiliaryTypes(java.nio.file.Path.class)
                .setter(b5).getter(b5).build());
        FieldBinding b6 = new FieldBinding() {
            @Override
            Object read() {
                return c.batchPath;
            }

            @Override
            void write(Object v) {
                c.batchPath = (java.util.List<java.lang.String>) v;
            }
        };
        s.addOption(OptionSpec.builder("--batch-path")
                .description("Directory put first on the PATH of every batch command (repeatable), for batch systems installed outside the login PATH, e.g. /opt/pbs/bin.")
                .paramLabel("DIR")
                .descriptionKey("")
                .initialValue(c.batchPath)
                .type(java.util.List.class).auxiliaryTypes(String.class)
                .setter(b6).getter(b6).build());
        return s;
    }

    private static CommandSpec outputOptions(OutputOptions c, IFactory f) throws Exception {
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        FieldBinding b7 = new FieldBinding() {
            @Override
            Object read() {
                return c.output;
            }

            @Override
            void write(Object v) {
                c.output = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("-o", "--output")
                .description("table (default), json (one documented shape, see docs/json/) or quiet (ids only, one per line); default from $HPC_DASK_OUTPUT")
                .paramLabel("MODE")
                .descriptionKey("")
                .initialValue(c.output)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b7).getter(b7).build());
        FieldBinding b8 = new FieldBinding() {
            @Override
            Object read() {
                return c.json;
            }

            @Override
            void write(Object v) {
                c.json = (Boolean) v;
            }
        };
        s.addOption(OptionSpec.builder("--json")
                .description("the same as --output json")
                .hidden(true)
                .paramLabel("<json>")
                .descriptionKey("")
                .initialValue(c.json)
                .type(boolean.class).auxiliaryTypes(boolean.class)
                .setter(b8).getter(b8).build());
        return s;
    }

    private static CommandSpec runPolicyOptions(RunPolicyOptions c, IFactory f) throws Exception {
        CommandSpec s = CommandSpec.wrapWithoutInspection(c, f);
        FieldBinding b36 = new FieldBinding() {
            @Override
            Object read() {
                return c.priority;
            }

            @Override
            void write(Object v) {
                c.priority = (Integer) v;
            }
        };
        s.addOption(OptionSpec.builder("--priority")
                .defaultValue("0")
                .description("higher starts first; runs of one priority start in staging order (default ${DEFAULT-VALUE})")
                .paramLabel("N")
                .descriptionKey("")
                .initialValue(c.priority)
                .type(int.class).auxiliaryTypes(int.class)
                .setter(b36).getter(b36).build());
        FieldBinding b37 = new FieldBinding() {
            @Override
            Object read() {
                return c.timeLimit;
            }

            @Override
            void write(Object v) {
                c.timeLimit = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("--time-limit")
                .description("kill the run when one attempt has run this long; it ends 'timeout' (90s, 10m, 1h30m, 2d, HH:MM:SS or D-HH:MM:SS; a bare number is seconds)")
                .paramLabel("D")
                .descriptionKey("")
                .initialValue(c.timeLimit)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b37).getter(b37).build());
        FieldBinding b38 = new FieldBinding() {
            @Override
            Object read() {
                return c.maxAttempts;
            }

            @Override
            void write(Object v) {
                c.maxAttempts = (Integer) v;
            }
        };
        s.addOption(OptionSpec.builder("--max-attempts")
                .description("starts a run may lose to lost workers before it ends 'lost' (default 3)")
                .paramLabel("N")
                .descriptionKey("")
                .initialValue(c.maxAttempts)
                .type(Integer.class).auxiliaryTypes(Integer.class)
                .setter(b38).getter(b38).build());
        FieldBinding b39 = new FieldBinding() {
            @Override
            Object read() {
                return c.retries;
            }

            @Override
            void write(Object v) {
                c.retries = (Integer) v;
            }
        };
        s.addOption(OptionSpec.builder("--retries")
                .defaultValue("0")
                .description("stage the run again, as a new attempt, up to N times when it ends in error (default ${DEFAULT-VALUE})")
                .paramLabel("N")
                .descriptionKey("")
                .initialValue(c.retries)
                .type(int.class).auxiliaryTypes(int.class)
                .setter(b39).getter(b39).build());
        FieldBinding b40 = new FieldBinding() {
            @Override
            Object read() {
                return c.after;
            }

            @Override
            void write(Object v) {
                c.after = (String) v;
            }
        };
        s.addOption(OptionSpec.builder("--after")
                .description("start only after these runs completed (ids or ranges, e.g. 12,20-29); if one ends otherwise, this run is cancelled with the reason")
                .paramLabel("ID[,ID]")
                .descriptionKey("")
                .initialValue(c.after)
                .type(String.class).auxiliaryTypes(String.class)
                .setter(b40).getter(b40).build());
        return s;
    }
}

package io.hpcdask.worker;

import static io.hpcdask.worker.WorkerFlag.CORES;
import static io.hpcdask.worker.WorkerFlag.DEATH_TIMEOUT;
import static io.hpcdask.worker.WorkerFlag.LEASE;
import static io.hpcdask.worker.WorkerFlag.LIFETIME;
import static io.hpcdask.worker.WorkerFlag.LIFETIME_GRACE;
import static io.hpcdask.worker.WorkerFlag.LOCAL_DIRECTORY;
import static io.hpcdask.worker.WorkerFlag.MEMORY;
import static io.hpcdask.worker.WorkerFlag.NAME;
import static io.hpcdask.worker.WorkerFlag.RESOURCES;
import static io.hpcdask.worker.WorkerFlag.SCHEDULER;
import static io.hpcdask.worker.WorkerFlag.SLOTS;
import static io.hpcdask.worker.WorkerFlag.TOKEN_FILE;

import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Resources;
import io.hpcdask.protocol.Walltime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The worker's command line: launchers render it into a job script or a process's argv, the worker parses it back.
 * It holds what was given (null when absent); the worker's accessors fill in its defaults, and {@link NodeFacts}
 * fills in cores and memory from the node. A launcher may render values the worker would refuse (the placeholders
 * of a printed job script); only {@link #parse} checks them.
 */
public final class WorkerOptions {
    /**
     * A worker that has not heard from its scheduler for this long kills its runs (the scheduler re-stages them after
     * the lease and a margin); long enough for a scheduler restart, short enough to bound a partition.
     */
    static final long DEFAULT_LEASE_SECONDS = 40;

    static final long DEFAULT_DEATH_TIMEOUT_SECONDS = 60;
    static final long DEFAULT_LIFETIME_GRACE_SECONDS = 120;

    /** How a value becomes one word of a command line: as it is in a process's argv, shell-quoted in a job script. */
    public interface Quoting {
        /** For a process's argv: no shell in between, so nothing is quoted and nothing expands. */
        Quoting NONE = new Quoting() {
            @Override
            public String literal(String value) {
                return value;
            }

            @Override
            public String expandingVariables(String value) {
                return value;
            }
        };

        String literal(String value);

        /** For the local directory, in which a job script's shell expands references such as {@code $TMPDIR}. */
        String expandingVariables(String value);
    }

    private final String scheduler;
    private final String tokenFile;
    private final String name;
    private final Integer cores;
    private final Memory memory;
    private final Resources resources;
    private final Integer slots;
    private final Walltime lifetime;
    private final Long deathTimeoutSeconds;
    private final Long leaseSeconds;
    private final Long lifetimeGraceSeconds;
    private final String localDirectory;

    private WorkerOptions(Builder b) {
        scheduler = b.scheduler;
        tokenFile = b.tokenFile;
        name = b.name;
        cores = b.cores;
        memory = b.memory;
        resources = b.resources == null || b.resources.isEmpty() ? null : b.resources;
        slots = b.slots;
        lifetime = b.lifetime;
        deathTimeoutSeconds = b.deathTimeoutSeconds;
        leaseSeconds = b.leaseSeconds;
        lifetimeGraceSeconds = b.lifetimeGraceSeconds;
        localDirectory = b.localDirectory;
    }

    /**
     * The options every worker needs: the scheduler's {@code HOST:PORT} (an IPv6 host in brackets), the file holding
     * the cluster token (the token itself is never on a command line), and the name the worker registers under.
     */
    public static Builder builder(String scheduler, String tokenFile, String name) {
        return new Builder(scheduler, tokenFile, name);
    }

    static WorkerOptions parse(String[] args) throws UsageException {
        GivenArgs given = GivenArgs.read(args);
        String scheduler = given.required(SCHEDULER, "HOST:PORT, e.g. login1:8786");
        HostPort.parse(SCHEDULER.toString(), scheduler); // a bad address is bad input now, not a failed connect later
        String tokenFile = given.required(TOKEN_FILE, "a path to the file holding the cluster token");
        String name = given.required(NAME, "a worker name, e.g. worker-1");
        if (!name.matches("[A-Za-z0-9_.@+\\[\\]-]+")) {
            throw new UsageException(NAME + ": '" + name + "' must be letters, digits and _ . - @ + [ ] only");
        }
        Builder b = builder(scheduler, tokenFile, name);
        b.cores(whole(given.number(CORES, "a whole number of cores >= 1", 1, 1 << 20)));
        b.slots(whole(given.number(SLOTS, "a whole number of slots >= 1", 1, 1 << 20)));
        b.memory(given.value(MEMORY, Memory::parse));
        Resources resources = given.value(RESOURCES, Resources::parse);
        for (WorkerFlag reserved : new WorkerFlag[] {CORES, MEMORY}) { // resources the worker offers by their own flags
            String resource = reserved.toString().substring(2);
            if (resources != null && resources.has(resource)) {
                throw new UsageException(RESOURCES + ": '" + resource + "' is set with " + reserved + ", not here; expected "
                        + Resources.ACCEPTED_FORM);
            }
        }
        b.resources(resources);
        b.lifetime(given.value(LIFETIME, Walltime::parse));
        b.deathTimeoutSeconds(given.number(DEATH_TIMEOUT, "a whole number of seconds >= 1", 1, Integer.MAX_VALUE));
        b.lifetimeGraceSeconds(given.number(LIFETIME_GRACE, "a whole number of seconds >= 0", 0, Integer.MAX_VALUE));
        b.leaseSeconds(given.number(LEASE, "a whole number of seconds >= 1", 1, Integer.MAX_VALUE));
        b.localDirectory(given.text(LOCAL_DIRECTORY));
        return b.build();
    }

    private static Integer whole(Long n) {
        return n == null ? null : Math.toIntExact(n);
    }

    /** The arguments as a process's argv takes them, after the worker's main class or jar. */
    public List<String> argv() {
        return render(Quoting.NONE);
    }

    /** The arguments, each value made one word by {@code quoting}; only what was given appears. */
    public List<String> render(Quoting quoting) {
        List<String> words = new ArrayList<>();
        add(words, quoting, SCHEDULER, scheduler);
        add(words, quoting, TOKEN_FILE, tokenFile);
        add(words, quoting, NAME, name);
        add(words, quoting, CORES, cores);
        add(words, quoting, MEMORY, memory);
        add(words, quoting, RESOURCES, resources);
        add(words, quoting, SLOTS, slots);
        add(words, quoting, LIFETIME, lifetime);
        add(words, quoting, DEATH_TIMEOUT, deathTimeoutSeconds);
        add(words, quoting, LEASE, leaseSeconds);
        add(words, quoting, LIFETIME_GRACE, lifetimeGraceSeconds);
        if (localDirectory != null) {
            words.add(LOCAL_DIRECTORY.toString());
            words.add(quoting.expandingVariables(localDirectory));
        }
        return words;
    }

    private static void add(List<String> words, Quoting quoting, WorkerFlag flag, Object value) {
        if (value != null) {
            words.add(flag.toString());
            words.add(quoting.literal(value.toString()));
        }
    }

    /** The scheduler's address; {@link #parse} has checked it, so only a launcher's placeholder fails here. */
    HostPort schedulerAddress() {
        try {
            return HostPort.parse(SCHEDULER.toString(), scheduler);
        } catch (UsageException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    Path tokenFile() {
        return Path.of(tokenFile);
    }

    String name() {
        return name;
    }

    /** 0 when not given: the node's count. */
    int cores() {
        return cores == null ? 0 : cores;
    }

    /** Null when not given: the node's memory. */
    Memory memory() {
        return memory;
    }

    Resources resources() {
        return resources == null ? Resources.NONE : resources;
    }

    /** 0 when not given: one slot per core. */
    int slots() {
        return slots == null ? 0 : slots;
    }

    /** Null when not given: no end. */
    Walltime lifetime() {
        return lifetime;
    }

    long deathTimeoutSeconds() {
        return deathTimeoutSeconds == null ? DEFAULT_DEATH_TIMEOUT_SECONDS : deathTimeoutSeconds;
    }

    long leaseSeconds() {
        return leaseSeconds == null ? DEFAULT_LEASE_SECONDS : leaseSeconds;
    }

    long lifetimeGraceSeconds() {
        return lifetimeGraceSeconds == null ? DEFAULT_LIFETIME_GRACE_SECONDS : lifetimeGraceSeconds;
    }

    /** Null when not given: the worker's working directory. */
    Path localDirectory() {
        return localDirectory == null ? null : Path.of(localDirectory);
    }

    private List<Object> given() {
        return Arrays.asList(scheduler, tokenFile, name, cores, memory, resources, slots, lifetime, deathTimeoutSeconds,
                leaseSeconds, lifetimeGraceSeconds, localDirectory);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkerOptions other && other.given().equals(given());
    }

    @Override
    public int hashCode() {
        return given().hashCode();
    }

    @Override
    public String toString() {
        return String.join(" ", argv());
    }

    /** Each setter takes null for "not given", which leaves the value to the worker. */
    public static final class Builder {
        private final String scheduler;
        private final String tokenFile;
        private final String name;
        private Integer cores;
        private Memory memory;
        private Resources resources;
        private Integer slots;
        private Walltime lifetime;
        private Long deathTimeoutSeconds;
        private Long leaseSeconds;
        private Long lifetimeGraceSeconds;
        private String localDirectory;

        private Builder(String scheduler, String tokenFile, String name) {
            this.scheduler = scheduler;
            this.tokenFile = tokenFile;
            this.name = name;
        }

        public Builder cores(Integer cores) {
            this.cores = cores;
            return this;
        }

        public Builder memory(Memory memory) {
            this.memory = memory;
            return this;
        }

        /** Named resources besides cores and memory; none (null or empty) leaves the flag out. */
        public Builder resources(Resources resources) {
            this.resources = resources;
            return this;
        }

        /** Runs at once; when not given, one per core. */
        public Builder slots(Integer slots) {
            this.slots = slots;
            return this;
        }

        /** How long the worker's job may run; it drains {@code lifetime-grace} seconds before the end. */
        public Builder lifetime(Walltime lifetime) {
            this.lifetime = lifetime;
            return this;
        }

        public Builder deathTimeoutSeconds(Long seconds) {
            this.deathTimeoutSeconds = seconds;
            return this;
        }

        public Builder leaseSeconds(Long seconds) {
            this.leaseSeconds = seconds;
            return this;
        }

        public Builder lifetimeGraceSeconds(Long seconds) {
            this.lifetimeGraceSeconds = seconds;
            return this;
        }

        /** Where runs work; in a job script, {@code $VAR} references in it expand on the node. */
        public Builder localDirectory(String directory) {
            this.localDirectory = directory;
            return this;
        }

        public WorkerOptions build() {
            return new WorkerOptions(this);
        }
    }
}

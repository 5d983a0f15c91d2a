package io.hpcdask.worker;

import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Every option of the worker's command line, in the order its usage lists them; each name is spelled only here. */
enum WorkerFlag {
    SCHEDULER("--scheduler", "HOST:PORT", true),
    TOKEN_FILE("--token-file", "FILE", true),
    NAME("--name", "NAME", true),
    CORES("--cores", "N", false),
    MEMORY("--memory", "8G", false),
    RESOURCES("--resources", "'gpu=2 foo=5'", false),
    SLOTS("--slots", "N", false),
    LIFETIME("--lifetime", "HH:MM:SS", false),
    DEATH_TIMEOUT("--death-timeout", "SECONDS", false),
    LOCAL_DIRECTORY("--local-directory", "DIR", false),
    LIFETIME_GRACE("--lifetime-grace", "SECONDS", false),
    LEASE("--lease", "SECONDS", false);

    static final String USAGE = "usage: hpc-dask-worker " + Stream.of(values()).map(WorkerFlag::usage)
            .collect(Collectors.joining(" "));

    private final String flag;
    private final String example;
    private final boolean required;

    WorkerFlag(String flag, String example, boolean required) {
        this.flag = flag;
        this.example = example;
        this.required = required;
    }

    /** The flag with this name, or null when the worker has none. */
    static WorkerFlag named(String flag) {
        for (WorkerFlag f : values()) {
            if (f.flag.equals(flag)) {
                return f;
            }
        }
        return null;
    }

    private String usage() {
        return required ? flag + " " + example : "[" + flag + " " + example + "]";
    }

    /** The flag as written on the command line, e.g. {@code --cores}; every message names an option so. */
    @Override
    public String toString() {
        return flag;
    }
}

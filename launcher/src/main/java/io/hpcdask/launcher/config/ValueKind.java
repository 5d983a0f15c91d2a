package io.hpcdask.launcher.config;

import io.hpcdask.launcher.batch.BatchSystems;
import io.hpcdask.launcher.shell.ShellQuote;
import io.hpcdask.launcher.shell.ShellWords;
import io.hpcdask.protocol.DurationText;
import io.hpcdask.protocol.InvalidValueException;
import io.hpcdask.protocol.Memory;
import io.hpcdask.protocol.Resources;
import io.hpcdask.protocol.Walltime;
import java.time.temporal.ChronoUnit;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How one config value is checked and what it becomes. Every value, from any layer, goes through here, so a bad
 * value is caught before anything is rendered, written or submitted.
 */
public enum ValueKind {
    SYSTEM("one of " + BatchSystems.namesListed(), raw -> {
        if (BatchSystems.find(raw).isEmpty()) {
            throw new InvalidValueException("'" + raw + "' is not one of " + BatchSystems.namesListed());
        }
        return raw;
    }),
    POSITIVE_INT("a whole number >= 1, e.g. 2", raw -> {
        if (!raw.matches("\\d{1,9}") || Integer.parseInt(raw) < 1) {
            throw new InvalidValueException("'" + raw + "' is not a whole number >= 1, e.g. 2");
        }
        return Integer.parseInt(raw);
    }),
    WHOLE_NUMBER("a whole number >= 0, e.g. 0", raw -> {
        if (!raw.matches("\\d{1,9}")) {
            throw new InvalidValueException("'" + raw + "' is not a whole number >= 0, e.g. 0");
        }
        return Integer.parseInt(raw);
    }),
    SECONDS(DurationText.acceptedForm(ChronoUnit.SECONDS), raw -> DurationText.parse(raw, ChronoUnit.SECONDS).getSeconds()),
    MEMORY(Memory.ACCEPTED_FORM, Memory::parse),
    WALLTIME(Walltime.ACCEPTED_FORM, Walltime::parse),
    RESOURCES(Resources.ACCEPTED_FORM, raw -> {
        Resources r = Resources.parse(raw);
        for (String reserved : new String[] {"cores", "memory"}) {
            if (r.has(reserved)) {
                throw new InvalidValueException("'" + reserved + "' is set by --" + reserved + ", not in resources; expected "
                        + Resources.ACCEPTED_FORM);
            }
        }
        return r;
    }),
    /** Goes into a batch directive unquoted, so only characters no shell or batch parser treats specially. */
    JOB_NAME("letters, digits, '_', '.' and '-', starting with a letter or digit, e.g. hpc-dask-worker",
            pattern("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}",
                    "letters, digits, '_', '.' and '-', starting with a letter or digit, e.g. hpc-dask-worker")),
    /** Queue (partition) and account names: SLURM allows a comma-separated list, PBS queue@server. */
    DIRECTIVE_WORD("letters, digits and '_' '.' ',' '@' '+' '-', e.g. debug",
            pattern("[A-Za-z0-9_][A-Za-z0-9_.,@+-]{0,127}", "letters, digits and '_' '.' ',' '@' '+' '-', e.g. debug")),
    /** A directory written into #SBATCH/#PBS lines, where quoting is not reliable: no spaces or shell characters. */
    DIRECTIVE_PATH("a path of letters, digits and '_' '.' '/' '-' '+' '@' ',' '=' ':' (no spaces), e.g. /scratch/logs",
            pattern("[A-Za-z0-9_./+@,=:-]{1,4096}",
                    "a path of letters, digits and '_' '.' '/' '-' '+' '@' ',' '=' ':' (no spaces), e.g. /scratch/logs")),
    /** A path expanded on the node: $VAR and ${VAR} allowed, command substitution never. */
    NODE_PATH("a path that may name $VAR or ${VAR} (expanded on the node) but no command substitution, e.g. $TMPDIR/dask",
            ValueKind::nodePath),
    SCHEDULER_ADDRESS("HOST:PORT, e.g. 10.0.0.5:8786", pattern("(?:[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]):\\d{1,5}",
            "HOST:PORT, e.g. 10.0.0.5:8786")),
    /** Where a listener of the server binds: a host name or address, and a port it can be scraped at. */
    LISTEN_ADDRESS(ValueKind.LISTEN_FORM, raw -> {
        java.util.regex.Matcher m = Pattern.compile("(?:[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]):(\\d{1,5})").matcher(raw);
        if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 65535) {
            throw new InvalidValueException("'" + raw + "' is not valid; expected " + ValueKind.LISTEN_FORM);
        }
        return raw;
    }),
    /** A network interface name such as ib0 or eth0. */
    INTERFACE("an interface name of letters, digits and '_' '.' '-' ':' '@', e.g. ib0",
            pattern("[A-Za-z0-9_.:@-]{1,15}", "an interface name of letters, digits and '_' '.' '-' ':' '@', e.g. ib0")),
    /** Where the scheduler server runs for a cluster reached over SSH. */
    SERVER("remote or here", raw -> {
        if (!raw.equals("remote") && !raw.equals("here")) {
            throw new InvalidValueException("'" + raw + "' is not remote or here");
        }
        return raw;
    }),
    SHEBANG("a line starting with #!, e.g. #!/usr/bin/env bash", raw -> {
        if (!raw.startsWith("#!")) {
            throw new InvalidValueException("'" + raw + "' does not start with #!; expected e.g. #!/usr/bin/env bash");
        }
        return raw;
    }),
    BOOLEAN("true or false", raw -> {
        if (!raw.equals("true") && !raw.equals("false")) {
            throw new InvalidValueException("'" + raw + "' is not true or false");
        }
        return Boolean.parseBoolean(raw);
    }),
    /** What runs the worker JVM: auto, bundled, or a java command (any path; quoted in the script). */
    WORKER_JAVA("auto, bundled, or a java command such as /opt/jdk-17/bin/java", raw -> {
        if (raw.isBlank()) {
            throw new InvalidValueException("empty; expected auto, bundled, or a java command such as /opt/jdk-17/bin/java");
        }
        return raw;
    }),
    /** A command line of several words, kept as written and split by {@link ShellWords} where it is used. */
    COMMAND_LINE(ShellWords.ACCEPTED_FORM, raw -> {
        try {
            ShellWords.split(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("'" + raw + "' is not valid: " + e.getMessage() + "; expected "
                    + ShellWords.ACCEPTED_FORM);
        }
        return raw;
    }),
    /** Free text of one line: shell lines and extra directives are the user's own, by design. */
    TEXT("one line of text", raw -> raw),
    PATH("a path", raw -> {
        if (raw.isEmpty()) {
            throw new InvalidValueException("empty path");
        }
        return raw;
    });

    private static final String LISTEN_FORM = "HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:9464 or 0.0.0.0:9464";

    private final String acceptedForm;
    private final Function<String, Object> parser;

    ValueKind(String acceptedForm, Function<String, Object> parser) {
        this.acceptedForm = acceptedForm;
        this.parser = parser;
    }

    public String acceptedForm() {
        return acceptedForm;
    }

    /** Parses one raw value; throws {@link InvalidValueException} naming the accepted form. */
    public Object parse(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\n' || c == '\r' || c == '\0') {
                throw new InvalidValueException("contains a " + (c == '\0' ? "NUL character" : "line break")
                        + "; expected " + acceptedForm + " on one line");
            }
        }
        return parser.apply(raw);
    }

    private static Function<String, Object> pattern(String regex, String form) {
        Pattern p = Pattern.compile(regex);
        return raw -> {
            if (!p.matcher(raw).matches()) {
                throw new InvalidValueException("'" + raw + "' is not valid; expected " + form);
            }
            return raw;
        };
    }

    private static Object nodePath(String raw) {
        // $VAR and ${VAR} are the only expansion a node path may hold: the one ShellQuote keeps expandable
        String withoutVars = ShellQuote.VAR_REFERENCE.matcher(raw).replaceAll("");
        if (raw.isEmpty() || withoutVars.contains("$") || raw.contains("`")) {
            throw new InvalidValueException("'" + raw + "' is not valid; expected "
                    + "a path that may name $VAR or ${VAR} (expanded on the node) but no command substitution, e.g. $TMPDIR/dask");
        }
        return raw;
    }
}

package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code --env NAME=VALUE} values; the value may be empty and may contain '='. */
final class EnvAssignments {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvAssignments() {
    }

    static Map<String, String> parse(List<String> assignments) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0 || !NAME.matcher(a.substring(0, eq)).matches()) {
                throw new BadInputException("--env: '" + a + "' is not NAME=VALUE with NAME of letters, digits and '_', e.g. --env OMP_NUM_THREADS=4");
            }
            env.put(a.substring(0, eq), a.substring(eq + 1));
        }
        return env;
    }
}

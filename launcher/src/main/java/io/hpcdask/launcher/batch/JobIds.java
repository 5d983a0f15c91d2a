package io.hpcdask.launcher.batch;

import io.hpcdask.launcher.failure.BadInputException;
import java.util.Collection;
import java.util.regex.Pattern;

/** Job ids go onto command lines, so they are checked against the forms batch systems hand out. */
final class JobIds {
    static final Pattern SLURM = Pattern.compile("\\d+(_\\d+)?");
    static final Pattern PBS = Pattern.compile("\\d+(\\[\\d*\\])?(\\.[A-Za-z0-9._-]+)?");
    static final Pattern LOCAL = Pattern.compile("\\d+");

    private JobIds() {
    }

    static void check(Collection<String> ids, Pattern form, String system) {
        for (String id : ids) {
            if (!form.matcher(id).matches()) {
                throw new BadInputException("job id '" + id + "' is not a " + system + " job id");
            }
        }
    }
}

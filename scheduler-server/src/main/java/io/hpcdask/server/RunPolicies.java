package io.hpcdask.server;

import io.hpcdask.protocol.InvalidValueException;
import io.hpcdask.server.api.RunIds;
import io.hpcdask.server.api.RunPolicyRequest;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.core.NewRun;
import io.hpcdask.server.core.RunPolicy;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.store.RunQueries;
import java.util.ArrayList;
import java.util.List;

/** A run's policies as a client asked for them, checked at staging and handed to the core as {@link RunPolicy}. */
final class RunPolicies {
    /** The most runs one run may wait for (an array of this size named by one range is fine). */
    static final int MAX_DEPENDENCIES = 100_000;

    private RunPolicies() {
    }

    /**
     * Refuses (nothing staged) a policy out of range or naming runs that do not exist, with the accepted form.
     */
    static void check(RunPolicyRequest p, RunQueries queries) {
        if (p.priority() != null && (p.priority() < RunPolicy.MIN_PRIORITY || p.priority() > RunPolicy.MAX_PRIORITY)) {
            throw new InvalidValueException("priority " + p.priority() + " is out of range; expected a whole number from "
                    + RunPolicy.MIN_PRIORITY + " to " + RunPolicy.MAX_PRIORITY);
        }
        if (p.timeLimitSeconds() != null && (p.timeLimitSeconds() < 1 || p.timeLimitSeconds() > Long.MAX_VALUE / 1000)) {
            throw new InvalidValueException("time limit " + p.timeLimitSeconds() + " s is not a duration; expected at"
                    + " least 1 second");
        }
        if (p.maxAttempts() != null && p.maxAttempts() < 1) {
            throw new InvalidValueException("max attempts " + p.maxAttempts() + " is not allowed; expected 1 or more");
        }
        if (p.retries() != null && p.retries() < 0) {
            throw new InvalidValueException("retries " + p.retries() + " is not allowed; expected 0 or more");
        }
        if (p.after() != null) {
            List<RunIds.Range> ranges;
            try {
                ranges = RunIds.decode(p.after());
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException("after: " + e.getMessage());
            }
            if (RunIds.count(ranges) > MAX_DEPENDENCIES) {
                throw new InvalidValueException("after names more than " + MAX_DEPENDENCIES + " runs");
            }
            for (RunIds.Range r : ranges) {
                if (queries.countIds(r.first(), r.last()) < r.size()) {
                    throw new InvalidValueException("after: no run with id " + (r.size() == 1 ? r.first()
                            : "among " + r.first() + "-" + r.last()) + "; expected ids of existing runs, such as 12,20-29");
                }
            }
        }
    }

    /** The run as the core takes it: its id, requirements, spec and policies. */
    static NewRun<RunRequest> newRun(RunId id, RunRequest spec) {
        return new NewRun<>(id, spec.requires(), spec, policy(spec.policyOrNone()));
    }

    static RunPolicy policy(RunPolicyRequest p) {
        if (p.isDefault()) {
            return RunPolicy.DEFAULT;
        }
        List<RunId> after = new ArrayList<>();
        if (p.after() != null) {
            for (RunIds.Range r : RunIds.decode(p.after())) {
                for (long id = r.first(); id <= r.last(); id++) {
                    after.add(RunId.of(id));
                }
            }
        }
        return new RunPolicy(p.priority() == null ? 0 : p.priority(),
                p.timeLimitSeconds() == null ? 0 : p.timeLimitSeconds() * 1000,
                p.maxAttempts() == null ? 0 : p.maxAttempts(), p.retries() == null ? 0 : p.retries(), after);
    }
}

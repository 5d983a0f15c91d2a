package io.hpcdask.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One run: what a client sends to stage it, and, once staged, what the store keeps of it and hands the scheduler.
 * {@code tags} are raw tags; {@code requires} is parsed from those starting with {@code dask:} (Guild's form) by the
 * server at staging ({@link #staged}), so a client's request has none and its JSON names none. {@code policy} holds
 * its priority, time limit, attempts, retries and dependencies (null: the defaults).
 */
public record RunRequest(List<String> argv, boolean shell, String cwd, Map<String, String> env, List<String> tags,
                         String label, @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Long> requires,
                         @JsonInclude(JsonInclude.Include.NON_NULL) RunPolicyRequest policy) {
    public RunRequest(List<String> argv, boolean shell, String cwd, Map<String, String> env, List<String> tags,
                      String label, Map<String, Long> requires) {
        this(argv, shell, cwd, env, tags, label, requires, null);
    }

    /** A client's request: the server works out what it requires. */
    public RunRequest(List<String> argv, boolean shell, String cwd, Map<String, String> env, List<String> tags,
                      String label) {
        this(argv, shell, cwd, env, tags, label, null, null);
    }

    /** The same run with these policies (null or all defaults: none). */
    public RunRequest withPolicy(RunPolicyRequest p) {
        return new RunRequest(argv, shell, cwd, env, tags, label, requires, p == null || p.isDefault() ? null : p);
    }

    /** Its policies, the defaults when it names none. */
    public RunPolicyRequest policyOrNone() {
        return policy == null ? RunPolicyRequest.NONE : policy;
    }

    /** This run as the store keeps it: immutable, absent values empty, with what it requires. */
    public RunRequest staged(Map<String, Long> requires) {
        return new RunRequest(List.copyOf(argv), shell, cwd, env == null ? Map.of() : Map.copyOf(env),
                tags == null ? List.of() : List.copyOf(tags), label, requires == null ? Map.of() : Map.copyOf(requires),
                policy == null || policy.isDefault() ? null : policy);
    }
}

package io.hpcdask.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One run: what a client sends to stage it, and, once staged, what the store keeps of it and hands the scheduler.
 * {@code tags} are raw tags; {@code requires} is parsed from those starting with {@code dask:} (Guild's form) by the
 * server at staging ({@link #staged}), so a client's request has none and its JSON names none.
 */
public record RunRequest(List<String> argv, boolean shell, String cwd, Map<String, String> env, List<String> tags,
                         String label, @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Long> requires) {
    /** A client's request: the server works out what it requires. */
    public RunRequest(List<String> argv, boolean shell, String cwd, Map<String, String> env, List<String> tags,
                      String label) {
        this(argv, shell, cwd, env, tags, label, null);
    }

    /** This run as the store keeps it: immutable, absent values empty, with what it requires. */
    public RunRequest staged(Map<String, Long> requires) {
        return new RunRequest(List.copyOf(argv), shell, cwd, env == null ? Map.of() : Map.copyOf(env),
                tags == null ? List.of() : List.copyOf(tags), label, requires == null ? Map.of() : Map.copyOf(requires));
    }
}

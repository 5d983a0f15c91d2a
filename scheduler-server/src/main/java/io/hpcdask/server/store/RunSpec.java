package io.hpcdask.server.store;

import java.util.List;
import java.util.Map;

/** What a staged run is to do, as it is kept on disk; {@code requires} is parsed from {@code tags} at staging. */
public record RunSpec(List<String> argv, boolean shell, String cwd, Map<String, String> env, List<String> tags,
                      String label, Map<String, Long> requires) {
    public RunSpec {
        argv = List.copyOf(argv);
        env = env == null ? Map.of() : Map.copyOf(env);
        tags = tags == null ? List.of() : List.copyOf(tags);
        requires = requires == null ? Map.of() : Map.copyOf(requires);
    }
}

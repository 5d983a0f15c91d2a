package io.hpcdask.server.api;

import java.util.List;
import java.util.Map;

/**
 * One run to stage, as the CLI sends it. {@code tags} are raw tags; requirements come from those starting with
 * {@code dask:} (Guild's form).
 */
public record RunRequest(List<String> argv, boolean shell, String cwd, Map<String, String> env, List<String> tags,
                         String label) {}

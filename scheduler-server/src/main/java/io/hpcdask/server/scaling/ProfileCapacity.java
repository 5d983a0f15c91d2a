package io.hpcdask.server.scaling;

import java.util.Map;

/**
 * What one worker of a profile offers, as its configuration says: {@code resources} holds {@code cores},
 * {@code memory} (bytes) and named resources (a name left out is offered as 0, except {@code memory}, unbounded when
 * unset); {@code slots} is how many runs it takes at once.
 */
public record ProfileCapacity(String profile, Map<String, Long> resources, int slots) {
    public ProfileCapacity {
        resources = Map.copyOf(resources);
    }

    /** Whether one run of these requirements fits an empty worker of this profile. */
    public boolean fits(Map<String, Long> requires) {
        if (slots < 1) {
            return false;
        }
        for (Map.Entry<String, Long> e : requires.entrySet()) {
            if (e.getValue() > offer(e.getKey())) {
                return false;
            }
        }
        return true;
    }

    long offer(String name) {
        Long v = resources.get(name);
        if (v == null) {
            return name.equals("memory") ? Long.MAX_VALUE : 0;
        }
        return v;
    }
}

package io.hpcdask.launcher.scaling;

import io.hpcdask.launcher.config.ConfigException;
import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import io.hpcdask.server.scaling.AdaptPolicy;
import io.hpcdask.server.scaling.ProfileCapacity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A profile's settings as adaptive scaling reads them: what one worker offers, and its {@code adapt} bounds. */
public final class ProfileAdapt {
    private ProfileAdapt() {
    }

    /**
     * What a worker of the profile offers. Without {@code cores} the node decides, unknown here: planning counts one
     * core and one run per worker, so it never asks for fewer workers than the runs need.
     */
    public static ProfileCapacity capacity(String profile, Settings s) {
        Map<String, Long> offer = new LinkedHashMap<>(s.resources().amounts());
        int cores = s.cores().orElse(1);
        offer.put("cores", (long) cores);
        s.memory().ifPresent(m -> offer.put("memory", m.bytes()));
        return new ProfileCapacity(profile, offer, cores);
    }

    /** The profile's {@code adapt} settings, or empty when it has no {@code adapt-max}; bad bounds name the keys. */
    public static Optional<AdaptPolicy> policy(String profile, Settings s) {
        Optional<Integer> max = s.value(ConfigKeys.ADAPT_MAX, Integer.class);
        Optional<Integer> min = s.value(ConfigKeys.ADAPT_MIN, Integer.class);
        Optional<Integer> pending = s.value(ConfigKeys.ADAPT_MAX_PENDING, Integer.class);
        if (max.isEmpty()) {
            if (min.isPresent() || pending.isPresent()) {
                throw new ConfigException("profile " + profile + ": adapt needs max (adapt: {min: " + min.orElse(0)
                        + ", max: M}); expected max set whenever min or max-pending is");
            }
            return Optional.empty();
        }
        long idleSeconds = s.value(ConfigKeys.ADAPT_IDLE_TIMEOUT, Long.class).orElse(AdaptPolicy.DEFAULT_IDLE_TIMEOUT_MILLIS / 1000);
        try {
            return Optional.of(new AdaptPolicy(min.orElse(0), max.get(), idleSeconds * 1000,
                    pending.orElse(AdaptPolicy.NO_PENDING_LIMIT)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("profile " + profile + ": adapt " + e.getMessage().replace("--", ""));
        }
    }
}

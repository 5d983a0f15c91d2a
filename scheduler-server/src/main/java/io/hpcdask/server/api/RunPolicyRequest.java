package io.hpcdask.server.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A run's policies as a client asks for them ({@code submit run --priority --time-limit --max-attempts --retries
 * --after}); null fields take the defaults. {@code after} names runs as ranges ({@code 12,20-29}, see {@link RunIds}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunPolicyRequest(Integer priority, Long timeLimitSeconds, Integer maxAttempts, Integer retries,
                               String after) {
    public static final RunPolicyRequest NONE = new RunPolicyRequest(null, null, null, null, null);

    @JsonIgnore
    public boolean isDefault() {
        return equals(NONE);
    }
}

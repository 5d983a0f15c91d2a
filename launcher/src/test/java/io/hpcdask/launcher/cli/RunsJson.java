package io.hpcdask.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hpcdask.server.api.RunView;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code runs -o json} back into the API's views, for tests that compare times to the millisecond. */
public final class RunsJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunsJson() {
    }

    public static List<RunView> views(String runsJson) {
        try {
            List<RunView> out = new ArrayList<>();
            for (JsonNode r : JSON.readTree(runsJson).get("runs")) {
                List<String> argv = new ArrayList<>();
                r.get("command").forEach(w -> argv.add(w.asText()));
                Map<String, Long> requires = new LinkedHashMap<>();
                r.get("requires").fields().forEachRemaining(e -> requires.put(e.getKey(), e.getValue().asLong()));
                out.add(new RunView(r.get("id").asText(), text(r, "label"), r.get("state").asText(), argv, requires,
                        text(r, "worker"), millis(r, "stagedAt"), millis(r, "startedAt"), millis(r, "endedAt"),
                        r.get("exitCode").isNull() ? null : r.get("exitCode").asInt(), r.get("attempts").asInt(),
                        text(r, "waitReason"), text(r, "reason"), r.get("priority").asInt(),
                        r.get("timeLimitSeconds").isNull() ? null : r.get("timeLimitSeconds").asLong(),
                        r.get("maxAttempts").isNull() ? null : r.get("maxAttempts").asInt(), r.get("retries").asInt(),
                        r.get("retried").asInt(), text(r, "after")));
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("not the runs JSON shape: " + e.getMessage() + "\n" + runsJson, e);
        }
    }

    private static String text(JsonNode r, String field) {
        return r.get(field).isNull() ? null : r.get(field).asText();
    }

    private static Long millis(JsonNode r, String field) {
        return r.get(field).isNull() ? null : Instant.parse(r.get(field).asText()).toEpochMilli();
    }
}

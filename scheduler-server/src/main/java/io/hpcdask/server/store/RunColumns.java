package io.hpcdask.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.hpcdask.server.api.RunRequest;
import io.hpcdask.server.core.Assignment;
import io.hpcdask.server.core.RunState;
import io.hpcdask.server.ids.RunId;
import io.hpcdask.server.ids.WorkerId;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where the columns of the runs table are in the rows of one {@code SELECT * FROM runs ...}, found once per query: by
 * name for every row, with the metadata searched per row for the columns that older stores lack, a server's restore
 * spent more on finding columns than on reading them. A column the store lacks (one of an older version opened
 * read-only) is 0 here and reads as its default.
 */
final class RunColumns {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectReader SPEC = JSON.readerFor(RunRequest.class);
    private static final ObjectReader ASSIGNMENT = JSON.readerFor(Assignment.class);

    private final int id;
    private final int spec;
    private final int state;
    private final int worker;
    private final int attempts;
    private final int stagedAt;
    private final int startedAt;
    private final int endedAt;
    private final int exitCode;
    private final int assignment;
    private final int reason;
    private final int retried;
    private final int tryBase;

    private RunColumns(Map<String, Integer> at) {
        id = at.getOrDefault("id", 0);
        spec = at.getOrDefault("spec", 0);
        state = at.getOrDefault("state", 0);
        worker = at.getOrDefault("worker", 0);
        attempts = at.getOrDefault("attempts", 0);
        stagedAt = at.getOrDefault("staged_at", 0);
        startedAt = at.getOrDefault("started_at", 0);
        endedAt = at.getOrDefault("ended_at", 0);
        exitCode = at.getOrDefault("exit_code", 0);
        assignment = at.getOrDefault("assignment", 0);
        reason = at.getOrDefault("reason", 0);
        retried = at.getOrDefault("retried", 0);
        tryBase = at.getOrDefault("try_base", 0);
    }

    static RunColumns of(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        Map<String, Integer> at = new HashMap<>();
        for (int i = md.getColumnCount(); i >= 1; i--) { // the first of two equal names wins, as a lookup by name
            at.put(md.getColumnName(i).toLowerCase(Locale.ROOT), i);
        }
        return new RunColumns(at);
    }

    /** The run of the result set's current row. */
    StoredRun row(ResultSet rs) throws SQLException, JsonProcessingException {
        String assignmentJson = rs.getString(assignment);
        String workerName = rs.getString(worker);
        return new StoredRun(RunId.of(rs.getLong(id)), SPEC.readValue(rs.getString(spec)),
                RunState.fromLabel(rs.getString(state)), workerName == null ? null : WorkerId.of(workerName),
                rs.getInt(attempts), longOrNull(rs, stagedAt), longOrNull(rs, startedAt), longOrNull(rs, endedAt),
                intOrNull(rs, exitCode), assignmentJson == null ? null : ASSIGNMENT.readValue(assignmentJson),
                reason == 0 ? null : rs.getString(reason), retried == 0 ? 0 : rs.getInt(retried),
                tryBase == 0 ? 0 : rs.getInt(tryBase));
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Integer intOrNull(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}

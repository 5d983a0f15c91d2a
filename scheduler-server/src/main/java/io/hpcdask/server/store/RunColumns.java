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
    private static final ObjectReader SPEC_JSON = JSON.readerFor(RunRequest.class);
    private static final ObjectReader ASSIGNMENT_JSON = JSON.readerFor(Assignment.class);

    /** The columns read, named as in the table. */
    private enum Column {
        ID, SPEC, STATE, WORKER, ATTEMPTS, STAGED_AT, STARTED_AT, ENDED_AT, EXIT_CODE, ASSIGNMENT, REASON, RETRIED,
        TRY_BASE;

        static final Map<String, Column> BY_NAME = new HashMap<>();

        static {
            for (Column c : values()) {
                BY_NAME.put(c.name().toLowerCase(Locale.ROOT), c);
            }
        }
    }

    private final int[] at = new int[Column.values().length];

    private RunColumns() {}

    static RunColumns of(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        RunColumns columns = new RunColumns();
        for (int i = md.getColumnCount(); i >= 1; i--) { // the first of two equal names wins, as a lookup by name
            Column c = Column.BY_NAME.get(md.getColumnName(i).toLowerCase(Locale.ROOT));
            if (c != null) {
                columns.at[c.ordinal()] = i;
            }
        }
        return columns;
    }

    private int at(Column c) {
        return at[c.ordinal()];
    }

    /** The run of the result set's current row. */
    StoredRun row(ResultSet rs) throws SQLException, JsonProcessingException {
        String assignment = rs.getString(at(Column.ASSIGNMENT));
        String worker = rs.getString(at(Column.WORKER));
        return new StoredRun(RunId.of(rs.getLong(at(Column.ID))), SPEC_JSON.readValue(rs.getString(at(Column.SPEC))),
                RunState.fromLabel(rs.getString(at(Column.STATE))), worker == null ? null : WorkerId.of(worker),
                rs.getInt(at(Column.ATTEMPTS)), longOrNull(rs, at(Column.STAGED_AT)),
                longOrNull(rs, at(Column.STARTED_AT)), longOrNull(rs, at(Column.ENDED_AT)),
                intOrNull(rs, at(Column.EXIT_CODE)), assignment == null ? null : ASSIGNMENT_JSON.readValue(assignment),
                stringOrAbsent(rs, at(Column.REASON)), intOrAbsent(rs, at(Column.RETRIED)),
                intOrAbsent(rs, at(Column.TRY_BASE)));
    }

    private static String stringOrAbsent(ResultSet rs, int column) throws SQLException {
        return column == 0 ? null : rs.getString(column);
    }

    private static int intOrAbsent(ResultSet rs, int column) throws SQLException {
        return column == 0 ? 0 : rs.getInt(column);
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static Integer intOrNull(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}

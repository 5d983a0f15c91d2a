package io.hpcdask.launcher.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hpcdask.launcher.failure.BadInputException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a command prints its data: a table for people, JSON for programs, or only the ids for shell scripts. */
enum OutputMode {
    TABLE, JSON, QUIET;

    static final String ACCEPTED = Arrays.stream(values()).map(OutputMode::label).collect(Collectors.joining(", "));

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @param where what set the value, for the error line ({@code --output} or {@code HPC_DASK_OUTPUT}) */
    static OutputMode parse(String text, String where) {
        for (OutputMode m : values()) {
            if (m.label().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new BadInputException(where + ": '" + text + "' is not an output mode; expected one of " + ACCEPTED);
    }

    /** Prints the report in this mode. */
    void print(Report report, PrintWriter out) {
        switch (this) {
            case JSON -> out.println(json(report.json()));
            case QUIET -> report.quiet(out);
            case TABLE -> report.table(out);
        }
        out.flush();
    }

    /** Made at the first JSON output: databind's first ObjectMapper is a good part of a short command's time. */
    private static final class Writer {
        static final ObjectMapper WRITER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    static String json(Object document) {
        try {
            return Writer.WRITER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}

package io.hpcdask.launcher.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * What a command prints, built once from its data; {@link OutputOptions#print} picks the form. The JSON form is a
 * record with {@code version} first, of the shape documented in {@code docs/json/}.
 */
interface Report {
    /** The JSON document: a record (or map) Jackson writes as is. */
    Object json();

    /** The form for people: tables and lines. */
    void table(PrintWriter out);

    /** The essential ids only, one per line, for scripts. */
    void quiet(PrintWriter out);

    /** A report of a JSON document and the two printers of its other forms. */
    static Report of(Object json, Consumer<PrintWriter> table, Consumer<PrintWriter> quiet) {
        return new Report() {
            @Override
            public Object json() {
                return json;
            }

            @Override
            public void table(PrintWriter out) {
                table.accept(out);
            }

            @Override
            public void quiet(PrintWriter out) {
                quiet.accept(out);
            }
        };
    }
}

package io.hpcdask.launcher.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * A bin directory with the qsub/qstat/qdel shims and one flavor's recorded outputs, for the front of the PATH. PBS
 * Pro's answers are real OpenPBS captures where one fits; its qsub ids and its qstat listing are written from the
 * documentation, because the flows need one array whose tasks are at once finished, running and queued, which no
 * captured listing holds.
 */
final class PbsShims {
    /** The recorded answers of PBS Pro taken from the real captures (batch/pbs-captures/). */
    private static final Map<String, String> PRO_CAPTURED = Map.of(
            "qstat-version.txt", "01-qstat-version.out",
            "qsub-bad-queue.stderr", "80-qsub-bad-queue.err",
            "qstat-unknown.stderr", "92-qstat-f-unknown.err",
            "qdel-finished.stderr", "47-qdel-finished.err",
            "qdel-unknown.stderr", "32-qdel-unknown.err");
    final Path bin;

    private PbsShims(Path bin) {
        this.bin = bin;
    }

    static PbsShims install(Path dir, String flavor) throws IOException {
        Path bin = dir.resolve("bin-" + flavor);
        Files.createDirectories(bin.resolve("recorded"));
        for (String cmd : List.of("qsub", "qstat", "qdel")) {
            Path p = bin.resolve(cmd);
            Files.writeString(p, Recorded.read("pbs/shim/" + cmd));
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        List<String> recorded = flavor.equals("pro")
                ? List.of("qsub.txt", "qsub-array.txt", "qstat-f-json.json", "qstat-version.txt", "qsub-bad-queue.stderr",
                        "qstat-unknown.stderr", "qdel-finished.stderr", "qdel-unknown.stderr")
                : List.of("qsub.txt", "qsub-array.txt", "qstat-plain.txt", "qstat-version.txt", "qsub-bad-queue.stderr",
                        "qstat-unknown.stderr", "qstat-invalid-F.stderr");
        for (String f : recorded) {
            String source = flavor.equals("pro") && PRO_CAPTURED.containsKey(f) ? "pbs-captures/" + PRO_CAPTURED.get(f)
                    : "pbs/" + flavor + "/" + f;
            Files.writeString(bin.resolve("recorded").resolve(f), Recorded.read(source));
        }
        return new PbsShims(bin);
    }

    List<String> calls() throws IOException {
        Path log = bin.resolve("calls.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    String lastScript() throws IOException {
        return Files.readString(bin.resolve("last-script.sh"));
    }
}

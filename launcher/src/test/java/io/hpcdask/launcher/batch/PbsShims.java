package io.hpcdask.launcher.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** A bin directory with the qsub/qstat/qdel shims and one flavor's recorded outputs, for the front of the PATH. */
final class PbsShims {
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
        for (String f : List.of("qsub.txt", "qsub-array.txt", "qstat-version.txt", "qsub-bad-queue.stderr",
                "qstat-unknown.stderr", flavor.equals("pro") ? "qstat-f-json.json" : "qstat-plain.txt")) {
            Files.writeString(bin.resolve("recorded").resolve(f), Recorded.read("pbs/" + flavor + "/" + f));
        }
        if (flavor.equals("torque")) {
            Files.writeString(bin.resolve("recorded/qstat-invalid-F.stderr"), Recorded.read("pbs/torque/qstat-invalid-F.stderr"));
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

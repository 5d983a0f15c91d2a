package io.hpcdask.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The step of a job script that unpacks the worker runtime ({@code worker-java: bundled}), as {@code print
 * job-script} prints it, pointed at a fresh copy of the runtime archive and followed by {@code java -version}.
 */
final class RuntimeUnpackStep {
    private RuntimeUnpackStep() {
    }

    /** Copies the archive into {@code lib} (as cluster up uploads it) and writes the step to {@code script}. */
    static Path write(Path lib, Path script) throws Exception {
        Path archive = lib.resolve("hpc-dask-worker-runtime-linux-x64-test.tar.gz");
        Files.copy(Release.archive(Release.WORKER_RUNTIME), archive);
        Path install = Release.unpack(Release.archive("hpc-dask-" + Release.VERSION + ".tar.gz"), script.resolveSibling("cli"));
        Release.Result printed = Release.run(List.of(install.resolve("bin/hpc-dask").toString(), "print", "job-script",
                "--system", "slurm", "--worker-java", "bundled"), null, Map.of("HPC_DASK_CDS", "0"), 120);
        assertThat(printed.code()).as(printed.toString()).isZero();
        String text = printed.out();
        String step = text.substring(text.indexOf("# worker-java bundled"), text.indexOf("# class-data archive"))
                .replace("'<worker-runtime>'", "'" + archive + "'");
        Files.writeString(script, "#!/bin/sh\n" + step + "\"$hpc_dask_java\" -version\n");
        return script;
    }

    static void assertOneRuntime(Path lib) throws Exception {
        try (Stream<Path> files = Files.list(lib)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("hpc-dask-worker-runtime-linux-x64-test", "hpc-dask-worker-runtime-linux-x64-test.tar.gz");
        }
        assertThat(lib.resolve("hpc-dask-worker-runtime-linux-x64-test/bin/java")).isExecutable();
    }
}

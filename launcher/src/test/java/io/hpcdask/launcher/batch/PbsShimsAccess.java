package io.hpcdask.launcher.batch;

import java.io.IOException;
import java.nio.file.Path;

/** Lets tests in other packages install the PBS shims. */
public final class PbsShimsAccess {
    private PbsShimsAccess() {
    }

    /** Installs the shims with one flavor's recorded outputs and returns their bin directory. */
    public static Path install(Path dir, String flavor) throws IOException {
        return PbsShims.install(dir, flavor).bin;
    }
}

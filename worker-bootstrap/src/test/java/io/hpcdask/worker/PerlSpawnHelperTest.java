package io.hpcdask.worker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/** The cases of {@link SpawnHelperTest} with spawn-helper.pl, the helper of nodes where the C one cannot run. */
class PerlSpawnHelperTest extends SpawnHelperTest {
    private static final String PERL = "/usr/bin/perl";

    @Override
    SpawnHelper startHelper(List<String> before, SpawnHelper.Batches batches) throws IOException {
        List<String> perl = new ArrayList<>(before);
        perl.add(PERL);
        return SpawnHelper.start(perl, batches);
    }

    @Override
    List<String> helperCommand() throws IOException {
        try (InputStream in = SpawnHelper.class.getResourceAsStream("spawn-helper.pl")) {
            return List.of(PERL, "-e", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Override
    Spawner spawner(ExecutorService threads) {
        return new Spawner("perl", threads);
    }

    @Override
    SpawnWay way() {
        return SpawnWay.PERL;
    }
}

package io.hpcdask.launcher.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpcdask.server.core.CoreConfig;
import org.junit.jupiter.api.Test;

class SendAheadTest {
    @Test
    void unsetIsTheDefaultAndWholeNumbersAreTaken() {
        assertThat(SendAhead.perSlot(null)).isEqualTo(CoreConfig.DEFAULT_AHEAD_PER_SLOT);
        assertThat(SendAhead.perSlot(" ")).isEqualTo(CoreConfig.DEFAULT_AHEAD_PER_SLOT);
        assertThat(SendAhead.perSlot("auto")).isEqualTo(CoreConfig.AHEAD_ADAPTIVE);
        assertThat(CoreConfig.DEFAULT_AHEAD_PER_SLOT).as("a server chooses per worker by default")
                .isEqualTo(CoreConfig.AHEAD_ADAPTIVE);
        assertThat(SendAhead.perSlot("0")).isZero();
        assertThat(SendAhead.perSlot(" 4 ")).isEqualTo(4);
    }

    @Test
    void anythingElseIsRefusedNamingTheAcceptedForm() {
        for (String bad : new String[] {"-1", "65", "one", "1.5", "AUTO", "auto4"}) {
            assertThatThrownBy(() -> SendAhead.perSlot(bad))
                    .hasMessage("HPC_DASK_SEND_AHEAD: '" + bad + "' is not a number of runs per slot; expected auto"
                            + " (the default: a few ms of each worker's recent runs) or a whole number from 0 (send"
                            + " none ahead) to 64, e.g. HPC_DASK_SEND_AHEAD=4");
        }
    }
}

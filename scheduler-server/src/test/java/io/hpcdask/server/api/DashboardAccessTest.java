package io.hpcdask.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The login rules with time passed in: a code works once, within its lifetime; sessions are bounded and expire. */
class DashboardAccessTest {
    private final DashboardAccess access = new DashboardAccess();

    @Test
    void aCodeBecomesASessionOnce() {
        String code = access.issueCode(1_000);
        String session = access.exchange(code, 2_000).orElseThrow();
        assertThat(access.validSession(session, 3_000)).isTrue();
        assertThat(access.exchange(code, 2_001)).as("a used code").isEmpty();
        assertThat(session).isNotEqualTo(code);
    }

    @Test
    void aCodeExpiresAfterItsLifetime() {
        String code = access.issueCode(0);
        assertThat(access.exchange(code, DashboardAccess.CODE_MILLIS)).isEmpty();
        String fresh = access.issueCode(0);
        assertThat(access.exchange(fresh, DashboardAccess.CODE_MILLIS - 1)).isPresent();
    }

    @Test
    void unknownEmptyAndMissingCodesAreRefused() {
        access.issueCode(0);
        assertThat(access.exchange("AAAA", 1)).isEmpty();
        assertThat(access.exchange("", 1)).isEmpty();
        assertThat(access.exchange(null, 1)).isEmpty();
        assertThat(access.validSession(null, 1)).isFalse();
        assertThat(access.validSession("nope", 1)).isFalse();
    }

    @Test
    void aSessionEndsAfterItsLifetime() {
        String session = access.exchange(access.issueCode(0), 0).orElseThrow();
        assertThat(access.validSession(session, DashboardAccess.SESSION_MILLIS - 1)).isTrue();
        assertThat(access.validSession(session, DashboardAccess.SESSION_MILLIS)).isFalse();
    }

    @Test
    void codesAreAtLeast128RandomBitsAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            String code = access.issueCode(0);
            assertThat(code).matches("[A-Za-z0-9_-]{43}"); // 32 bytes in base64url: 256 bits
            assertThat(seen.add(code)).isTrue();
        }
    }

    @Test
    void theOldestCodesGoWhenTooManyWait() {
        String first = access.issueCode(0);
        for (int i = 0; i < DashboardAccess.MAX_CODES; i++) {
            access.issueCode(0);
        }
        assertThat(access.exchange(first, 1)).isEmpty();
    }

    @Test
    void theCookieIsHttpOnlyStrictAndNamedForThisServer() {
        String cookie = access.setCookie("abc");
        assertThat(cookie).startsWith(access.cookieName() + "=abc;").contains("; HttpOnly").contains("; SameSite=Strict")
                .contains("; Path=/").doesNotContain("Secure");
        assertThat(access.cookieName()).isNotEqualTo(new DashboardAccess().cookieName());
        assertThat(DashboardAccess.sessionFromCookies(List.of("a=1; " + access.cookieName() + "=xyz; b=2"), access.cookieName()))
                .isEqualTo("xyz");
        assertThat(DashboardAccess.sessionFromCookies(List.of("hpc_dask_session_other=xyz"), access.cookieName())).isNull();
    }
}

package io.hpcdask.server.api;

/** A one-time dashboard login code and how many seconds it stays valid; open {@code /login?code=CODE} with it. */
public record LoginCode(String code, long validSeconds) {
    /** The login path with the code, URL-safe as issued (base64url). */
    public String loginPath() {
        return "/login?code=" + code;
    }
}

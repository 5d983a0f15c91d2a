package io.hpcdask.server.api;

import java.util.List;

/** What a scale did: the profile it applied to, the job ids its first submission made, or the batch system's refusal. */
public record ScaleResult(String profile, List<String> submitted, String error) {}

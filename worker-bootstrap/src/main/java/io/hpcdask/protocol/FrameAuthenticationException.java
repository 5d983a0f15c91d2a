package io.hpcdask.protocol;

import io.netty.handler.codec.DecoderException;

/** An encrypted frame failed its tag (altered, replayed, reordered or forged): the link must close. */
public final class FrameAuthenticationException extends DecoderException {
    public FrameAuthenticationException(String message) {
        super(message);
    }
}

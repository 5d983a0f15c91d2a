/** The wire protocol workers and scheduler share: messages, framing, link authentication and encryption. */
package io.hpcdask.protocol;

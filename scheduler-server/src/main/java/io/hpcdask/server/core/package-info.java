/** The pure decision core: which run starts on which worker; time passed in, every effect through one outbox. */
package io.hpcdask.server.core;

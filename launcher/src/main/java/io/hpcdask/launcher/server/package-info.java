/** The server process's wiring: scheduler, transport, API, local workers, logging, tokens and the worker jar. */
package io.hpcdask.launcher.server;

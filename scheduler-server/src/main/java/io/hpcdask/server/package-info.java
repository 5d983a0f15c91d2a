/** The scheduler server as a library: decision core, event loop, run database and waiting clients, wired. */
package io.hpcdask.server;

/** Typed ids of runs and workers, shared by the core, the store, the loop, the transport and the API. */
package io.hpcdask.server.ids;

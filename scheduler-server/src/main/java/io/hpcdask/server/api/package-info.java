/** The client API: the HTTP server on 127.0.0.1, its client, and the requests and views they exchange. */
package io.hpcdask.server.api;

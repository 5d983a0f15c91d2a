/** The workers' side of the server: authenticated, encrypted worker connections over Netty. */
package io.hpcdask.server.transport;

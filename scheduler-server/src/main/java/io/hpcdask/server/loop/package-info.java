/** The one thread that owns the decision core, and the effects and events it carries to and from it. */
package io.hpcdask.server.loop;

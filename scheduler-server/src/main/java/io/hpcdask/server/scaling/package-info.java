/** Scaling workers through a batch system: the pure autoscaler, the loop that drives it, its provisioner. */
package io.hpcdask.server.scaling;

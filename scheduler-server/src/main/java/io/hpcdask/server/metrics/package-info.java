/** The scheduler's Prometheus metrics: counters and histograms fed from the event path, and their text format. */
package io.hpcdask.server.metrics;

/** Worker job scripts rendered from the FreeMarker templates, with every user value shell-quoted. */
package io.hpcdask.launcher.script;

package io.hpcdask.launcher.cli;

import io.hpcdask.launcher.failure.BadInputException;
import io.hpcdask.launcher.failure.ExitCodes;
import io.hpcdask.launcher.remote.RemoteCluster;
import io.hpcdask.server.api.LoginCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.function.BooleanSupplier;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dashboard", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Open the cluster's live dashboard: prints a one-time login link and opens it in a browser.",
            "The link works once, within 60 s; the browser then keeps a session cookie (HttpOnly, SameSite=Strict) until"
                    + " the server stops or 12 h pass. A browser opens when $BROWSER is set, or xdg-open and a display"
                    + " exist; else open the link yourself.",
            "When the scheduler server runs on a login node, this forwards a port of this machine to it over SSH and"
                    + " stays in the foreground holding the forward; Ctrl-C ends it (exit 0)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the link was printed (remote: the forward ended by Ctrl-C)", "1:the scheduler or SSH failed",
            "2:bad input", "3:the cluster does not run"},
        footerHeading = "%nExamples:%n",
        footer = {"  hpc-dask dashboard                 # prints the link, opens a browser",
            "  hpc-dask dashboard --name gpu --no-browser",
            "  hpc-dask dashboard --port 8787      # server on a login node: local port 8787"})
final class DashboardCommand extends ClusterClientCommand {
    /** How often a held forward checks its SSH connection. */
    private static final int CHECK_SECONDS = 15;

    @Option(names = "--no-browser", description = "only print the link")
    boolean noBrowser;
    @Option(names = "--port", paramLabel = "P", description = "server on a login node: the local port to forward"
            + " (default: a free one)")
    Integer port;

    DashboardCommand(CliContext context) {
        super(context);
    }

    @Override
    int doCall() throws IOException {
        if (port != null && (port < 1 || port > 65535)) {
            throw new BadInputException("--port: '" + port + "' is out of range; expected a port from 1 to 65535");
        }
        boolean remote = RemoteCluster.read(dir().path()).isPresent();
        if (port != null && !remote) {
            throw new BadInputException("--port: cluster '" + dir().name() + "' runs its server on this machine, where the"
                    + " dashboard has the API's own port; --port is for a server on a login node");
        }
        RunningCluster running = running();
        int local = running.localApiPort(port == null ? 0 : port);
        LoginCode code = running.call(c -> c.dashboardLoginCode());
        String url = "http://127.0.0.1:" + local + code.loginPath();
        PrintWriter out = out();
        out.println("Dashboard of cluster '" + dir().name() + "': " + url);
        out.println("(the link logs in one browser once, within " + code.validSeconds() + " s; run 'hpc-dask dashboard'"
                + " again for a new one)");
        if (!noBrowser) {
            Optional<String> opened;
            try {
                opened = new BrowserOpener(context.env()).open(url);
            } catch (IOException e) {
                opened = Optional.empty();
                err().println("hpc-dask: could not start a browser: " + e.getMessage());
            }
            out.println(opened.map(b -> "Opened it with " + b)
                    .orElse("No browser to open here ($BROWSER unset, or no display for xdg-open): open the link yourself"));
        }
        out.flush();
        if (!remote) {
            return ExitCodes.OK;
        }
        out.println("Forwarding 127.0.0.1:" + local + " to the scheduler on " + running.remote().orElseThrow().where()
                + " over SSH; press Ctrl-C to stop");
        out.flush();
        BooleanSupplier stopped = StopSignals.interruptOnStop(Thread.currentThread());
        try {
            running.holdForward(local, CHECK_SECONDS, stopped, err());
        } catch (InterruptedException e) {
            // the stop, seen while waiting between checks
        }
        out.println("Stopped forwarding 127.0.0.1:" + local);
        return ExitCodes.OK;
    }
}

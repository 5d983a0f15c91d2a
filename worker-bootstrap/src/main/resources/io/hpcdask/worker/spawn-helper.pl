# The worker's spawn helper: one long-lived process per worker that forks each run straight into its own session
# (fork, setsid, exec: the run's command is the only exec), carries every run's output to the worker over one pipe,
# reports each exit once its output is drained, and holds the worker's lease: should the worker freeze (SIGSTOP, a
# stalled node) past it, every run's group is killed here. Written for perl-base alone (strict, warnings, POSIX,
# Fcntl, XSLoader), which is on every Debian-like node and nearly every HPC node.
#
# Frames both ways: a 4-byte big-endian length, then the payload.
#   worker -> helper  "S" tag NUL cwd NUL count NUL name=value... NUL argv...  start a run (env on top of ours)
#                     "C" tag NUL after NUL cwd NUL count NUL ...             start it when run `after` exits (a chain)
#                     "W" tag                                                 withdraw a chained run that has not started
#                     "K" tag NUL signal-number                               signal the run's process group
#                     "L" second                                              the lease holds until this epoch second
#                     "Q" millis                                              reports may wait this long (0: never)
#                     "F"                                                     send all that is held, then an F
#   helper -> worker  "H" 0(4)                     hello: the helper runs
#                     "P" tag(4) pid(4)            started
#                     "E" tag(4) message           could not start (nothing runs)
#                     "O" tag(4) stream(1) bytes   output, stream 1 = stdout, 2 = stderr
#                     "X" tag(4) wait-status(4) lease(1)   ended, after all its output; lease 1: killed here because
#                                                          the lease ran out
#                     "R" tag(4)                   a chained run that never starts: withdrawn, or its chain broke
#                     "F" 0(4)                     everything held before the worker's "F" came went out before this
# A chain is the worker's own decision, made when the run came (the worker checks that what `after` frees suffices):
# the chained run starts in the same turn as `after`'s end is reported (its P or E right behind that X), with no trip
# through the worker; when `after` has ended (or failed to start) before the chain came, it starts at once. It never
# starts past the lease, nor after an `after` killed by a signal (a cancel, the job's end): then the chain comes back
# as R frames and the worker decides anew. The worker counts a chained run as holding what `after` held from the
# moment it learns `after` ended, so an R then gives that back.
# While the worker allows it ("Q", which it withdraws whenever it must hear of ends at once), an end whose place a
# chained run took in the same turn is held, with everything after it, for later ones to share a write: until the
# time given has passed since the first held, or a report that must go at once (an end that frees a place, E, R),
# or a signal that ends jobs (TERM, INT, HUP, QUIT), whichever comes first. One write then wakes the worker for
# several runs.
# When the worker closes our stdin (it exited, was killed, or gave up on us) every run's group is killed: no run
# outlives it. The helper has a session of its own, so a kill of the worker's process group leaves it to do that.
#
# Cost per run is what this file is about: run output pipes are raw descriptors (no PerlIO layer to set up), the
# frames of one loop turn go out in one write, a start is held back for one short wait so that a run ending at once
# is told in the same write as its start, and waitpid and the clock are asked only when there is something to learn.
use strict;
use warnings;
# The XS parts only: POSIX.pm's own tables would double the heap that every fork copies.
require XSLoader;
XSLoader::load('POSIX');
XSLoader::load('Fcntl');

my $TCK = POSIX::sysconf(POSIX::_SC_CLK_TCK());
my $DRAIN_TICKS = $TCK * $ARGV[0] / 1000;   # drain time in milliseconds
my $HOLD = 0.002;         # seconds a start waits for the run's end to go out with it
my $HIGH = 1 << 20;       # bytes waiting for the worker beyond which run output is left in its pipes
my %runs;                 # tag => { pid, open (output fds left), status, deadline, killed, lease }
my %chained;              # tag => [after, cwd, count, env and argv...]: a start waiting for run `after` to exit
my %next;                 # tag => the chained tag that starts when it ends
my %found;                # "PATH\0name" => [where execvp's search found name, epoch second it looked]
my %by_fd;                # raw fd => [tag, stream]
my %by_pid;               # pid => tag
my $inbuf = '';
my $outbuf = '';
my $rbuf = '';
my $hold = 0;             # 1: a start waits in $outbuf; 2: it waited one select
my $HELD_MAX = 65536;     # bytes of held reports beyond which they go at once
my $report_hold = 0;      # ticks reports may wait while chained runs take every place (the worker's "Q")
my $held_since;           # tick the reports in $outbuf were first held; undef: not holding
my $turn_ended = 0;       # this turn reported an end whose place a chained run took
my $must_send = 0;        # this turn made a report that must go at once
my $ending = 0;           # a signal that ends jobs came: what ended must reach the worker at once
my $lease;                # epoch second the lease holds until; undef until the worker gives one
my $chld = 0;

POSIX::setsid();
# A batch system that ends the job signals every process in it: the runs then die of it and their ends reach the
# worker, which knows what such a signal means; this helper goes when the worker does (its stdin closes). Handled,
# not ignored: exec resets a handled signal to its default (an ignored one would stay ignored in every run), so a
# run's child needs no call per signal to undo them.
$SIG{PIPE} = sub { };
$SIG{$_} = sub { $ending = 1 } for qw(TERM INT HUP QUIT);
$SIG{CHLD} = sub { $chld = 1 };   # also makes select return early when a run exits
# a mask is inherited through fork and exec: the JVM's (SIGQUIT blocked) must not reach the runs
POSIX::sigprocmask(POSIX::SIG_SETMASK(), POSIX::SigSet->new()) or die "spawn helper: sigprocmask: $!\n";
binmode STDIN;
binmode STDOUT;
# never blocked by a worker that does not read (frozen): the lease must still be kept
fcntl(STDOUT, Fcntl::F_SETFL(), fcntl(STDOUT, Fcntl::F_GETFL(), 0) | Fcntl::O_NONBLOCK()) or die "spawn helper: stdout: $!\n";
my $null = POSIX::open('/dev/null', Fcntl::O_RDONLY()) // die "spawn helper: /dev/null: $!\n";

sub ticks { return (POSIX::times())[0] }

sub emit {
    my ($type, $tag, $data) = @_;
    my $idle = $outbuf eq '';
    $outbuf .= pack('NaN', 5 + length $data, $type, $tag) . $data;
    if ($type ne 'P') {
        $hold = 0;   # anything else goes out at the end of this turn, starts before it included
    } elsif ($idle) {
        $hold = 1;
    }
    if ($type eq 'X') {
        $turn_ended = 1;   # finish_runs says when the place was not taken
    } elsif ($type ne 'P' && $type ne 'O') {
        $must_send = 1;
    }
}

sub flush_out {
    while (length $outbuf) {
        my $n = syswrite(STDOUT, $outbuf);
        if (!defined $n) {
            next if $!{EINTR};
            return if $!{EAGAIN};
            kill_all();
            POSIX::_exit(1);   # the worker is gone
        }
        substr($outbuf, 0, $n) = '';
    }
}

sub kill_all {
    for my $run (values %runs) {
        kill 'KILL', -$run->{pid} if $run->{pid} > 1;
    }
}

# Where execvp would find $name on $path: searched at most once a second per command and PATH, so that a run's exec
# does not first fail in every directory before the right one, while a command installed earlier in PATH (a script a
# user drops into ~/bin) is used from the next second on, as execvp would. Null when the search must be the run's own
# (a relative directory in PATH).
sub resolve {
    my ($name, $path) = @_;
    return undef if index($name, '/') >= 0;
    my $key = "$path\0$name";
    my $now = time();
    my $hit = $found{$key};
    return $hit->[0] if defined $hit && $hit->[1] == $now;
    for my $dir (split /:/, $path) {
        return undef if substr($dir, 0, 1) ne '/';
        my $file = "$dir/$name";
        if (-f $file && -x _) {
            %found = () if keys %found >= 1000;
            $found{$key} = [$file, $now];
            return $file;
        }
    }
    return undef;
}

sub start_run {
    my ($tag, $cwd, $count, @rest) = @_;
    my @env = splice(@rest, 0, $count);
    my @argv = @rest;
    my $path = $ENV{PATH};
    for my $kv (@env) {
        $path = substr($kv, 5) if substr($kv, 0, 5) eq 'PATH=';
    }
    my $file = defined $path ? resolve($argv[0], $path) : undef;
    my ($out_r, $out_w) = POSIX::pipe();
    my ($err_r, $err_w) = defined $out_r ? POSIX::pipe() : ();
    my ($exec_r, $exec_w) = defined $err_r ? POSIX::pipe() : ();
    my @fds = grep { defined } ($out_r, $out_w, $err_r, $err_w, $exec_r, $exec_w);
    if (!defined $exec_r) {
        my $why = "cannot make pipes: $!";
        POSIX::close($_) for @fds;
        emit('E', $tag, $why);
        unchain($tag);
        return;
    }
    my $pid = fork();
    if (!defined $pid) {
        my $why = "cannot fork: $!";
        POSIX::close($_) for @fds;
        emit('E', $tag, $why);
        unchain($tag);
        return;
    }
    if ($pid == 0) {
        POSIX::setsid();
        my $fail = sub { POSIX::write($exec_w, $_[0], length $_[0]); POSIX::_exit(127) };
        my $status;
        open($status, '>&=', $exec_w) && fcntl($status, Fcntl::F_SETFD(), Fcntl::FD_CLOEXEC()) or $fail->("exec pipe: $!");
        defined POSIX::dup2($null, 0) && defined POSIX::dup2($out_w, 1) && defined POSIX::dup2($err_w, 2)
            or $fail->("cannot redirect the run's input and output: $!");
        # a run inherits only its own stdin, stdout and stderr
        POSIX::close($_) for ($null, $out_r, $out_w, $err_r, $err_w, $exec_r, keys %by_fd);
        chdir($cwd) or $fail->("cannot start $argv[0] in $cwd: $!");
        for my $kv (@env) {
            my ($k, $v) = split(/=/, $kv, 2);
            $ENV{$k} = $v;
        }
        # where the search found it before, else (it is gone, or never searched) execvp's own search
        { no warnings 'exec'; exec { $file } @argv if defined $file; exec { $argv[0] } @argv; }
        $fail->("cannot start $argv[0] in $cwd: $!");
    }
    POSIX::close($_) for ($out_w, $err_w, $exec_w);
    my $why = '';
    while (1) {
        my $n = POSIX::read($exec_r, my $buf, 4096);
        if (!defined $n) { next if $!{EINTR}; last; }
        last if $n == 0;   # closed by the exec: the run is running
        $why .= $buf;
    }
    POSIX::close($exec_r);
    if (length $why) {
        waitpid($pid, 0);
        POSIX::close($_) for ($out_r, $err_r);
        emit('E', $tag, $why);
        unchain($tag);
        return;
    }
    $runs{$tag} = { pid => $pid, open => 2, status => undef, deadline => 0, killed => 0, lease => 0 };
    $by_pid{$pid} = $tag;
    $by_fd{$out_r} = [$tag, 1];
    $by_fd{$err_r} = [$tag, 2];
    emit('P', $tag, pack('N', $pid));
}

# The runs chained after $tag never start: each goes back to the worker.
sub unchain {
    my ($tag) = @_;
    while (defined($tag = delete $next{$tag})) {
        delete $chained{$tag};
        emit('R', $tag, '');
    }
}

# A chained run that has not started never will; the run chained after it moves up to its place.
sub withdraw {
    my ($tag) = @_;
    my $chain = delete $chained{$tag} or return;   # started already: its P or E went out before
    my $after = $chain->[0];
    my $then = delete $next{$tag};
    if (defined $then) {
        $next{$after} = $then;
        $chained{$then}[0] = $after;
    } else {
        delete $next{$after};
    }
    emit('R', $tag, '');
}

sub command {
    my ($payload) = @_;
    my $type = substr($payload, 0, 1);
    my @f = split(/\0/, substr($payload, 1), -1);
    if ($type eq 'S') {
        start_run(@f);
    } elsif ($type eq 'C') {
        my ($tag, $after) = @f;
        $after = $next{$after} while exists $next{$after};   # (the worker chains behind a chain's last run)
        if (exists $runs{$after} || exists $chained{$after}) {
            $chained{$tag} = [@f[1 .. $#f]];
            $next{$after} = $tag;
        } elsif (!defined $lease || time() < $lease) {
            start_run(@f[0, 2 .. $#f]);   # the run it follows has ended: its place is free
        } else {
            emit('R', $tag, '');
        }
    } elsif ($type eq 'W') {
        withdraw($f[0]);
    } elsif ($type eq 'K') {
        my $run = $runs{$f[0]};
        # only a run we still track: its group cannot have been reused by a stranger
        kill($f[1], -$run->{pid}) if $run && $run->{pid} > 1;
    } elsif ($type eq 'L') {
        $lease = $f[0];
    } elsif ($type eq 'Q') {
        # whole ticks, at least one: a hold ends at the first tick at least this far past its start
        $report_hold = $f[0] > 0 ? int(($f[0] * $TCK + 999) / 1000) || 1 : 0;
    } elsif ($type eq 'F') {
        emit('F', 0, '');   # behind all that is held, which goes with it at the end of this turn
    }
}

sub read_commands {
    my $n = sysread(STDIN, $inbuf, 65536, length $inbuf);
    if (!defined $n) { return if $!{EINTR}; $n = 0; }
    if ($n == 0) {
        kill_all();
        POSIX::_exit(0);
    }
    while (length($inbuf) >= 4) {
        my $len = unpack('N', $inbuf);
        last if length($inbuf) < 4 + $len;
        my $payload = substr($inbuf, 4, $len);
        substr($inbuf, 0, 4 + $len) = '';
        command($payload);
    }
}

sub close_fd {
    my ($fd) = @_;
    my $entry = delete $by_fd{$fd};
    POSIX::close($fd);
    $runs{$entry->[0]}{open}--;
}

sub read_output {
    my ($fd) = @_;
    my ($tag, $stream) = @{$by_fd{$fd}};
    my $n = POSIX::read($fd, $rbuf, 65536);
    if (!defined $n) { return if $!{EINTR} || $!{EAGAIN}; $n = 0; }
    if ($n == 0) {
        close_fd($fd);
    } else {
        emit('O', $tag, chr($stream) . $rbuf);
    }
}

sub reap {
    $chld = 0;
    # no wait once every run is reaped: the call that would only say so is saved
    while (%by_pid && (my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
        my $tag = delete $by_pid{$pid};
        next unless defined $tag;
        my $run = $runs{$tag};
        $run->{status} = $?;
        $run->{deadline} = ticks() + $DRAIN_TICKS if $run->{open} > 0;
    }
}

# Past the lease the worker has not been heard from by its scheduler, which re-stages its runs: none may go on.
sub keep_lease {
    return if !defined $lease || time() < $lease;
    if (%chained) {
        emit('R', $_, '') for sort { $a <=> $b } keys %chained;
        %chained = ();
        %next = ();
    }
    for my $run (values %runs) {
        next if defined $run->{status} || $run->{lease};
        kill 'KILL', -$run->{pid};
        $run->{lease} = 1;
    }
}

# A run ends when its main process has been reaped and its output is closed; leftovers in its group that keep the
# output open longer than the drain time are killed, and after another drain time it ends regardless. Output left
# unread because the worker is not taking it does not count against the drain time.
sub finish_runs {
    my $now;
    for my $tag (keys %runs) {
        my $run = $runs{$tag};
        next unless defined $run->{status};
        if ($run->{open} > 0) {
            $now //= ticks();
            if (length($outbuf) >= $HIGH) {
                $run->{deadline} = $now + $DRAIN_TICKS;
                next;
            }
            next if $now < $run->{deadline};
            if (!$run->{killed}) {
                kill 'KILL', -$run->{pid};
                $run->{killed} = 1;
                $run->{deadline} = $now + $DRAIN_TICKS;
                next;
            }
            for my $fd (grep { $by_fd{$_}[0] eq $tag } keys %by_fd) {
                close_fd($fd);
            }
        }
        delete $runs{$tag};
        my $then = delete $next{$tag};
        # a run killed by a signal (a cancel, the batch system's end of the job) passes its place to nobody
        if (defined $then && ($run->{status} & 0x7f || $run->{lease})) {
            $next{$tag} = $then;
            $then = undef;
        }
        emit('X', $tag, pack('NC', $run->{status}, $run->{lease}));
        $must_send = 1 unless defined $then;   # a place is free: the worker may have a run for it
        if (defined $then) {
            my $chain = delete $chained{$then};
            start_run($then, @{$chain}[1 .. $#$chain]);
        } else {
            unchain($tag);
        }
    }
}

# Seconds select may wait, or undef for as long as it takes.
sub timeout {
    my ($t, $now, $poll);
    for my $run (values %runs) {
        if (defined $run->{status}) {
            $now //= ticks();
            my $left = ($run->{deadline} - $now) / $TCK;
            $t = $left if !defined $t || $left < $t;
        } elsif ($run->{open} == 0) {
            # its output closed, as it does when a run exits: reapable within moments. A run that closed its output
            # and lives on (exec >log 2>&1 in a job script) is looked at less and less often, a tenth of the time
            # since, up to a second: SIGCHLD ends the select anyway (the poll covers one that comes just before it),
            # and polling every 2 ms for hours would spend a run's node's CPU on nothing
            $now //= ticks();
            $run->{closed} //= $now;   # here, not where it closed: the clock is asked once a turn, not once more a run
            my $wait = ($now - $run->{closed}) / $TCK / 10;
            $wait = $wait < 0.002 ? 0.002 : $wait > 1 ? 1 : $wait;
            $poll = $wait if !defined $poll || $wait < $poll;
        }
    }
    $t = $poll if defined $poll && (!defined $t || $t > $poll);
    $t = $HOLD if $hold && (!defined $t || $t > $HOLD);
    if (defined $held_since) {
        $now //= ticks();
        my $left = ($held_since + $report_hold - $now) / $TCK;
        $t = $left if !defined $t || $left < $t;
    }
    if (defined $lease && %runs) {
        my $left = $lease - time();   # past it, keep_lease has killed them all already
        $t = $left if $left > 0 && (!defined $t || $left < $t);
    }
    # a run that exits between the reap and the select leaves us waiting for this long at most
    $t = 1 if %runs && (!defined $t || $t > 1);
    return defined $t && $t < 0 ? 0 : $t;
}

# Whether this turn's reports wait for later ones to share a write (see the header).
sub keep_held {
    return 0 if $outbuf eq '' || !$report_hold || $must_send || $ending || length($outbuf) >= $HELD_MAX;
    return 0 unless defined $held_since || $turn_ended;
    my $now = ticks();
    $held_since //= $now;
    return $now - $held_since < $report_hold;
}

emit('H', 0, '');
flush_out();
while (1) {
    my ($rin, $win) = ('', '');
    vec($rin, 0, 1) = 1;
    if (length($outbuf) < $HIGH) {
        vec($rin, $_, 1) = 1 for keys %by_fd;
    }
    vec($win, 1, 1) = 1 if length $outbuf && !$hold && !defined $held_since;
    my $n = select(my $rout = $rin, my $wout = $win, undef, timeout());
    if ($n > 0) {
        read_commands() if vec($rout, 0, 1);
        for my $fd (keys %by_fd) {
            read_output($fd) if $by_fd{$fd} && vec($rout, $fd, 1);
        }
    }
    reap() if $chld || grep { !defined $_->{status} && $_->{open} == 0 } values %runs;
    keep_lease();
    finish_runs();
    if ($hold == 1) {
        $hold = 2;   # one more select before the start goes out, unless something else comes first
    } else {
        $hold = 0;
        if (!keep_held()) {
            $held_since = undef;
            flush_out();
        }
    }
    $turn_ended = 0;
    $must_send = 0;
}

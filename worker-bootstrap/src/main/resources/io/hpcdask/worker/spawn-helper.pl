# The worker's spawn helper: one long-lived process per worker that forks each run straight into its own session
# (fork, setsid, exec: the run's command is the only exec), carries every run's output to the worker over one pipe
# and reports each exit once its output is drained. Written for perl-base alone (strict, warnings, POSIX), which is
# on every Debian-like node and nearly every HPC node.
#
# Frames both ways: a 4-byte big-endian length, then the payload.
#   worker -> helper  "S" tag NUL cwd NUL count NUL name=value... NUL argv...  start a run (env on top of ours)
#                     "K" tag NUL signal-number                               signal the run's process group
#   helper -> worker  "H" 0(4)                     hello: the helper runs
#                     "P" tag(4) pid(4)            started
#                     "E" tag(4) message           could not start (nothing runs)
#                     "O" tag(4) stream(1) bytes   output, stream 1 = stdout, 2 = stderr
#                     "X" tag(4) wait-status(4)    ended, after all its output
# When the worker closes our stdin (it exited or gave up on us) every run's group is killed: no run outlives it.
use strict;
use warnings;
use POSIX ();

my $DRAIN_TICKS = POSIX::sysconf(POSIX::_SC_CLK_TCK()) * $ARGV[0] / 1000;   # drain time in milliseconds
my %runs;     # tag => { pid, open (output fds left), status, deadline, killed }
my %by_fd;    # fileno => [tag, handle, stream]
my %by_pid;   # pid => tag
my $inbuf = '';

$SIG{PIPE} = 'IGNORE';
# A batch system that ends the job signals every process in it: the runs then die of it and their ends reach the
# worker, which knows what such a signal means; this helper goes when the worker does (its stdin closes).
$SIG{$_} = 'IGNORE' for qw(TERM INT HUP QUIT);
$SIG{CHLD} = sub { };   # only so that select returns early when a run exits
binmode STDIN;
binmode STDOUT;

sub ticks { return (POSIX::times())[0] }

sub emit {
    my ($type, $tag, $data) = @_;
    my $payload = $type . pack('N', $tag) . $data;
    my $frame = pack('N', length $payload) . $payload;
    my $off = 0;
    while ($off < length $frame) {
        my $n = syswrite(STDOUT, $frame, length($frame) - $off, $off);
        if (!defined $n) {
            next if $!{EINTR};
            kill_all();
            POSIX::_exit(1);   # the worker is gone
        }
        $off += $n;
    }
}

sub kill_all {
    for my $run (values %runs) {
        kill 'KILL', -$run->{pid} if $run->{pid} > 1;
    }
}

sub start_run {
    my ($tag, $cwd, $count, @rest) = @_;
    my @env = splice(@rest, 0, $count);
    my @argv = @rest;
    my ($out_r, $out_w, $err_r, $err_w, $exec_r, $exec_w);
    # pipes above fd 2 are close-on-exec in perl: a run inherits only its own stdout and stderr
    unless (pipe($out_r, $out_w) && pipe($err_r, $err_w) && pipe($exec_r, $exec_w)) {
        emit('E', $tag, "cannot make pipes: $!");
        return;
    }
    my $pid = fork();
    if (!defined $pid) {
        emit('E', $tag, "cannot fork: $!");
        return;
    }
    if ($pid == 0) {
        close $out_r; close $err_r; close $exec_r;
        $SIG{$_} = 'DEFAULT' for qw(PIPE CHLD TERM INT HUP QUIT);   # an ignored signal stays ignored across exec
        POSIX::setsid();
        my $fail = sub { syswrite($exec_w, $_[0]); POSIX::_exit(127) };
        chdir($cwd) or $fail->("cannot start $argv[0] in $cwd: $!");
        open(STDIN, '<', '/dev/null') or $fail->("/dev/null: $!");
        open(STDOUT, '>&', $out_w) or $fail->("stdout: $!");
        open(STDERR, '>&', $err_w) or $fail->("stderr: $!");
        for my $kv (@env) {
            my ($k, $v) = split(/=/, $kv, 2);
            $ENV{$k} = $v;
        }
        { no warnings 'exec'; exec { $argv[0] } @argv; }
        $fail->("cannot start $argv[0] in $cwd: $!");
    }
    close $out_w; close $err_w; close $exec_w;
    my $why = '';
    while (1) {
        my $n = sysread($exec_r, my $buf, 4096);
        if (!defined $n) { next if $!{EINTR}; last; }
        last if $n == 0;   # closed by the exec: the run is running
        $why .= $buf;
    }
    close $exec_r;
    if (length $why) {
        waitpid($pid, 0);
        close $out_r; close $err_r;
        emit('E', $tag, $why);
        return;
    }
    $runs{$tag} = { pid => $pid, open => 2, status => undef, deadline => 0, killed => 0 };
    $by_pid{$pid} = $tag;
    $by_fd{fileno $out_r} = [$tag, $out_r, 1];
    $by_fd{fileno $err_r} = [$tag, $err_r, 2];
    emit('P', $tag, pack('N', $pid));
}

sub command {
    my ($payload) = @_;
    my $type = substr($payload, 0, 1);
    my @f = split(/\0/, substr($payload, 1), -1);
    if ($type eq 'S') {
        start_run(@f);
    } elsif ($type eq 'K') {
        my $run = $runs{$f[0]};
        # only a run we still track: its group cannot have been reused by a stranger
        kill($f[1], -$run->{pid}) if $run && $run->{pid} > 1;
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
    close $entry->[1];
    $runs{$entry->[0]}{open}--;
}

sub read_output {
    my ($fd) = @_;
    my ($tag, $fh, $stream) = @{$by_fd{$fd}};
    my $n = sysread($fh, my $buf, 65536);
    if (!defined $n) { return if $!{EINTR} || $!{EAGAIN}; $n = 0; }
    if ($n == 0) {
        close_fd($fd);
    } else {
        emit('O', $tag, chr($stream) . $buf);
    }
}

sub reap {
    while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
        my $tag = delete $by_pid{$pid};
        next unless defined $tag;
        $runs{$tag}{status} = $?;
        $runs{$tag}{deadline} = ticks() + $DRAIN_TICKS;
    }
}

# A run ends when its main process has been reaped and its output is closed; leftovers in its group that keep the
# output open longer than the drain time are killed, and after another drain time it ends regardless.
sub finish_runs {
    my $now = ticks();
    for my $tag (keys %runs) {
        my $run = $runs{$tag};
        next unless defined $run->{status};
        if ($run->{open} > 0 && $now < $run->{deadline}) {
            next;
        }
        if ($run->{open} > 0 && !$run->{killed}) {
            kill 'KILL', -$run->{pid};
            $run->{killed} = 1;
            $run->{deadline} = $now + $DRAIN_TICKS;
            next;
        }
        for my $fd (grep { $by_fd{$_}[0] eq $tag } keys %by_fd) {
            close_fd($fd);
        }
        delete $runs{$tag};
        emit('X', $tag, pack('N', $run->{status}));
    }
}

sub timeout {
    my $t;
    my $now = ticks();
    my $poll = 0;
    for my $run (values %runs) {
        if (defined $run->{status}) {
            my $left = ($run->{deadline} - $now) / POSIX::sysconf(POSIX::_SC_CLK_TCK());
            $t = $left if !defined $t || $left < $t;
        } elsif ($run->{open} == 0) {
            $poll = 1;   # its output closed as it exited: reapable within moments
        }
    }
    $t = 0.002 if $poll && (!defined $t || $t > 0.002);
    # a run that exits between the reap and the select leaves us waiting for this long at most
    $t = 1 if !defined $t || $t > 1;
    return $t < 0 ? 0 : $t;
}

emit('H', 0, '');
while (1) {
    my $rin = '';
    vec($rin, 0, 1) = 1;
    vec($rin, $_, 1) = 1 for keys %by_fd;
    my $n = select(my $rout = $rin, undef, undef, timeout());
    if ($n > 0) {
        read_commands() if vec($rout, 0, 1);
        for my $fd (keys %by_fd) {
            read_output($fd) if $by_fd{$fd} && vec($rout, $fd, 1);
        }
    }
    reap();
    finish_runs();
}

# The client of the per-user CLI daemon (see cli-launch.sh and README "The CLI daemon"), started by hd_run_cli:
#   perl cli-client.pl SH_DIR JAVA JAR CDS_DIRS ARGS...
# It sends the daemon ARGS, the current directory, the environment and whether stdin/stdout/stderr are terminals,
# then writes what the daemon sends to stdout and stderr and exits with the command's code. When no daemon can answer
# (none runs, its directory is not safe, it runs another jar or does not serve this command) it runs the plain JVM
# path instead (hd_run_jvm in SH_DIR/cli-launch.sh), which the command would have taken without it. Once the daemon
# said it started the command, it never does: a daemon lost then is an error line and exit 4.
# Core perl only, and only Socket: each module loaded is milliseconds of every command.
use strict;
use Socket qw(PF_UNIX SOCK_STREAM pack_sockaddr_un);

my ($sh_dir, $java, $jar, $dirs, @args) = @ARGV;

sub plain {
    exec '/bin/sh', '-c', '. "$1/cli-launch.sh"; shift; hd_run_jvm "$@"', 'sh', $sh_dir, $java, $jar, $dirs, @args;
    print STDERR "hpc-dask: cannot run /bin/sh: $!\n";
    exit 1;
}

my $runtime = $ENV{XDG_RUNTIME_DIR};
my $dir = defined $runtime && $runtime ne '' ? "$runtime/hpc-dask" : "/tmp/hpc-dask-$<";
# ours, 0700, no link: another user of the machine may have made it first, to listen in the daemon's place
my @st = lstat $dir;
plain() unless @st && -d _ && $st[4] == $< && ($st[2] & 07777) == 0700;
my $sock = "$dir/cli-" . unpack('%32C*', $jar) . '.sock';
socket(my $s, PF_UNIX, SOCK_STREAM, 0) or plain();
connect($s, pack_sockaddr_un($sock)) or plain();

my @jar = stat $jar;
plain() unless @jar;
my $cwd = readlink '/proc/self/cwd';
plain() unless defined $cwd;
my ($in, $out, $err) = ((-t STDIN) ? 1 : 0, (-t STDOUT) ? 1 : 0, (-t STDERR) ? 1 : 0);
my $columns = 0;
if ($in && $out && open(my $tty, '<', '/dev/tty')) {
    my $ws = '';
    # TIOCGWINSZ on Linux: rows, columns, two pixel sizes
    $columns = (unpack 'S4', $ws)[1] if ioctl($tty, 0x5413, $ws);
    close $tty;
}
my $request = join "\0", 1, $jar, $jar[7], $jar[9], $cwd, "$in$out$err", $columns, scalar(@args), @args,
    map { "$_=$ENV{$_}" } keys %ENV;
my $frame = pack('aN', 'R', length $request) . $request;
while (length $frame) {
    my $n = syswrite $s, $frame;
    plain() unless defined $n;
    substr($frame, 0, $n) = '';
}

sub take {    # exactly N bytes from the daemon, or undef when it ended first
    my ($n) = @_;
    my $buf = '';
    while (length $buf < $n) {
        my $got = sysread $s, $buf, $n - length $buf, length $buf;
        return undef unless $got;
    }
    return $buf;
}

sub frame {
    my $head = take(5);
    return () unless defined $head;
    my ($type, $len) = unpack 'aN', $head;
    my $body = $len ? take($len) : '';
    return () unless defined $body;
    return ($type, $body);
}

my ($type) = frame();
plain() unless defined $type && $type eq 'S';    # stale, not served, or gone before it started anything

# As the JVM path: a signal that would end it ends this client with its code; the daemon sees the socket close and
# ends the command. A closed stdout does not end the command, as a JVM ignores SIGPIPE.
$SIG{INT} = sub { exit 130 };
$SIG{TERM} = sub { exit 143 };
$SIG{HUP} = sub { exit 129 };
$SIG{PIPE} = 'IGNORE';

sub put {
    my ($fh, $data) = @_;
    while (length $data) {
        my $n = syswrite $fh, $data;
        return unless $n;
        substr($data, 0, $n) = '';
    }
}

while (1) {
    my ($t, $body) = frame();
    if (!defined $t) {
        print STDERR "hpc-dask: the CLI daemon ended during the command (see $dir/cli-"
            . unpack('%32C*', $jar) . ".log); the command may have taken effect: check with 'hpc-dask runs'"
            . " before running it again\n";
        exit 4;
    }
    if ($t eq 'O') { put(\*STDOUT, $body) }
    elsif ($t eq 'E') { put(\*STDERR, $body) }
    elsif ($t eq 'X') { exit unpack('N', $body) }
}

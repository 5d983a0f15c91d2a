/*
 * The worker's spawn helper in C: the same frames, chain, lease, drain time and signals as spawn-helper.pl (read its
 * header for the protocol), but each run starts with vfork: no copy of this process's page tables and no copy-on-write
 * faults in the child before its exec, which is what a perl fork costs on a node where forks are slow. Built static
 * (see worker-bootstrap/pom.xml), so it runs whatever the node's glibc; where it cannot run, the worker falls back to
 * the perl helper.
 *
 * usage: spawn-helper DRAIN_MILLIS; frames on stdin and stdout, nothing else.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define HOLD_NS 2000000LL     /* a start waits this long for the run's end to go out with it */
#define POLL_MAX_NS 1000000000LL   /* the longest wait for a run whose output closed before it exits */
#define HIGH (1 << 20)        /* bytes waiting for the worker beyond which run output is left in its pipes */
#define HELD_MAX 65536        /* bytes of held reports beyond which they go at once */
#define READ_CHUNK 65536
#define FOUND_MAX 1000

/* A run's spec as the frames carry it: cwd, count, count name=value pairs, then argv; the strings live in blob. */
struct spec {
    char *blob;
    char **f;
    int n;
};

struct run {
    uint32_t tag;
    pid_t pid;
    int fd[2];          /* stdout, stderr read ends; -1 once closed */
    int open;
    long long closed;   /* monotonic ns of the first poll after its output closed (open fell to 0); 0 before */
    int has_status;
    int status;
    long long deadline; /* monotonic ns */
    int killed;
    int lease;
};

struct chained {
    uint32_t tag;
    uint32_t after;
    struct spec spec;
};

struct link {           /* run `from` ends: `to` starts */
    uint32_t from, to;
};

struct found {
    char *key;          /* PATH NUL name, compared with its length */
    size_t keylen;
    char *file;
    time_t second;
};

static long long drain_ns;
static struct run **runs;
static int nruns, caprun;
static struct chained **chains;
static int nchains, capchain;
static struct link *links;
static int nlinks, caplink;
static struct found *found;
static int nfound;
static char *inbuf, *outbuf;
static size_t inlen, incap, outlen, outcap;
static int hold;          /* 1: a start waits in outbuf; 2: it waited one poll */
static long long report_hold_ns;   /* the worker's "Q": how long reports may wait while chained runs take every place */
static long long held_since;       /* monotonic ns the reports in outbuf were first held, or 0: not holding */
static int turn_ended;             /* this turn reported an end whose place a chained run took */
static int must_send;              /* this turn made a report that must go at once */
static int has_lease;
static time_t lease;
static volatile sig_atomic_t chld;
static volatile sig_atomic_t ending;   /* a signal that ends jobs came: what ended must reach the worker at once */
static int devnull;
static const int handled[] = {SIGCHLD, SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT};
static sigset_t handled_set;
static sigset_t none_set;
static struct sigaction default_action;

static void *grow(void *p, int *cap, int need, size_t size) {
    if (need <= *cap) {
        return p;
    }
    int n = *cap ? *cap * 2 : 16;
    while (n < need) {
        n *= 2;
    }
    void *q = realloc(p, (size_t)n * size);
    if (!q) {
        fputs("spawn helper: out of memory\n", stderr);
        _exit(1);
    }
    *cap = n;
    return q;
}

static void reserve(char **buf, size_t *cap, size_t need) {
    if (need <= *cap) {
        return;
    }
    size_t n = *cap ? *cap : 65536;
    while (n < need) {
        n *= 2;
    }
    char *q = realloc(*buf, n);
    if (!q) {
        fputs("spawn helper: out of memory\n", stderr);
        _exit(1);
    }
    *buf = q;
    *cap = n;
}

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void put32(char *p, uint32_t v) {
    p[0] = (char)(v >> 24);
    p[1] = (char)(v >> 16);
    p[2] = (char)(v >> 8);
    p[3] = (char)v;
}

static void emit2(char type, uint32_t tag, const char *a, size_t alen, const char *b, size_t blen) {
    int idle = outlen == 0;
    reserve(&outbuf, &outcap, outlen + 9 + alen + blen);
    char *p = outbuf + outlen;
    put32(p, (uint32_t)(5 + alen + blen));
    p[4] = type;
    put32(p + 5, tag);
    if (alen) {
        memcpy(p + 9, a, alen);
    }
    if (blen) {
        memcpy(p + 9 + alen, b, blen);
    }
    outlen += 9 + alen + blen;
    if (type != 'P') {
        hold = 0;   /* anything else goes out at the end of this turn, starts before it included */
    } else if (idle) {
        hold = 1;
    }
    if (type == 'X') {
        turn_ended = 1;   /* finish_runs says when the place was not taken */
    } else if (type != 'P' && type != 'O') {
        must_send = 1;
    }
}

static void emit(char type, uint32_t tag, const char *data, size_t len) {
    emit2(type, tag, data, len, NULL, 0);
}

static void kill_all(void) {
    for (int i = 0; i < nruns; i++) {
        if (runs[i]->pid > 1) {
            kill(-runs[i]->pid, SIGKILL);
        }
    }
}

static void flush_out(void) {
    size_t done = 0;
    while (done < outlen) {
        ssize_t n = write(1, outbuf + done, outlen - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN) {
                break;
            }
            kill_all();
            _exit(1);   /* the worker is gone */
        }
        done += (size_t)n;
    }
    memmove(outbuf, outbuf + done, outlen - done);
    outlen -= done;
}

static struct run *run_of(uint32_t tag) {
    for (int i = 0; i < nruns; i++) {
        if (runs[i]->tag == tag) {
            return runs[i];
        }
    }
    return NULL;
}

static int chain_index(uint32_t tag) {
    for (int i = 0; i < nchains; i++) {
        if (chains[i]->tag == tag) {
            return i;
        }
    }
    return -1;
}

static int link_index(uint32_t from) {
    for (int i = 0; i < nlinks; i++) {
        if (links[i].from == from) {
            return i;
        }
    }
    return -1;
}

/* Removes the link from `from`; its `to` in *to. */
static int take_link(uint32_t from, uint32_t *to) {
    int i = link_index(from);
    if (i < 0) {
        return 0;
    }
    *to = links[i].to;
    links[i] = links[--nlinks];
    return 1;
}

static void set_link(uint32_t from, uint32_t to) {
    int i = link_index(from);
    if (i < 0) {
        links = grow(links, &caplink, nlinks + 1, sizeof *links);
        i = nlinks++;
    }
    links[i].from = from;
    links[i].to = to;
}

static void free_spec(struct spec *s) {
    free(s->blob);
    free(s->f);
}

/* Removes the chained run `tag`, or returns NULL. */
static struct chained *take_chain(uint32_t tag) {
    int i = chain_index(tag);
    if (i < 0) {
        return NULL;
    }
    struct chained *c = chains[i];
    chains[i] = chains[--nchains];
    return c;
}

static char *concat3(const char *a, const char *b, const char *c) {
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = malloc(la + lb + lc + 1);
    if (!s) {
        fputs("spawn helper: out of memory\n", stderr);
        _exit(1);
    }
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc + 1);
    return s;
}

static int executable_file(const char *file) {
    struct stat st;
    return stat(file, &st) == 0 && S_ISREG(st.st_mode) && access(file, X_OK) == 0;
}

/*
 * Where execvp would find name on path: searched at most once a second per command and PATH (see resolve in
 * spawn-helper.pl for why). NULL when the search must be the run's own: a name with a slash, a relative directory in
 * PATH before the command is found, or nowhere found.
 */
static const char *resolve(const char *name, const char *path) {
    if (strchr(name, '/')) {
        return NULL;
    }
    size_t lp = strlen(path), ln = strlen(name), keylen = lp + 1 + ln;
    time_t now = time(NULL);
    for (int i = 0; i < nfound; i++) {
        if (found[i].keylen == keylen && memcmp(found[i].key, path, lp) == 0 && found[i].key[lp] == 0
                && memcmp(found[i].key + lp + 1, name, ln) == 0) {
            if (found[i].second == now) {
                return found[i].file;
            }
            break;
        }
    }
    const char *dir = path;
    while (*dir) {
        const char *end = strchrnul(dir, ':');
        if (*dir != '/') {
            return NULL;
        }
        char *d = strndup(dir, (size_t)(end - dir));
        char *file = d ? concat3(d, "/", name) : NULL;
        free(d);
        if (file && executable_file(file)) {
            int i;
            for (i = 0; i < nfound; i++) {
                if (found[i].keylen == keylen && memcmp(found[i].key, path, lp) == 0 && found[i].key[lp] == 0
                        && memcmp(found[i].key + lp + 1, name, ln) == 0) {
                    break;
                }
            }
            if (i == nfound) {
                if (nfound >= FOUND_MAX) {
                    for (int j = 0; j < nfound; j++) {
                        free(found[j].key);
                        free(found[j].file);
                    }
                    nfound = 0;
                    i = 0;
                }
                if (!found) {
                    found = calloc(FOUND_MAX, sizeof *found);
                    if (!found) {
                        free(file);
                        return NULL;
                    }
                }
                found[i].key = malloc(keylen);
                if (!found[i].key) {
                    free(file);
                    return NULL;
                }
                memcpy(found[i].key, path, lp);
                found[i].key[lp] = 0;
                memcpy(found[i].key + lp + 1, name, ln);
                found[i].keylen = keylen;
                nfound++;
            } else {
                free(found[i].file);
            }
            found[i].file = file;
            found[i].second = now;
            return file;
        }
        free(file);
        if (!*end) {
            break;
        }
        dir = end + 1;
    }
    return NULL;
}

/* The helper's environment with the run's name=value pairs on top. */
static char **run_env(char **pairs, int count) {
    int n = 0;
    while (environ[n]) {
        n++;
    }
    char **env = malloc(sizeof *env * (size_t)(n + count + 1));
    if (!env) {
        return NULL;
    }
    memcpy(env, environ, sizeof *env * (size_t)n);
    for (int i = 0; i < count; i++) {
        const char *eq = strchr(pairs[i], '=');
        size_t k = eq ? (size_t)(eq - pairs[i]) : strlen(pairs[i]);
        int j;
        for (j = 0; j < n; j++) {
            if (strncmp(env[j], pairs[i], k) == 0 && env[j][k] == '=') {
                break;
            }
        }
        env[j] = pairs[i];
        if (j == n) {
            n++;
        }
    }
    env[n] = NULL;
    return env;
}

/* A run's place: the write ends of its two pipes and its cwd. */
struct place {
    int out, err;
    const char *cwd;
};

/* The child's errno when it could not exec: it shares our memory until then. */
static volatile int launch_errno;

/*
 * Starts file in its own session with our signals at their defaults and none blocked, on /dev/null and its pipes, in
 * its cwd. vfork rather than posix_spawn: glibc's maps a stack for each child and unmaps it after, and the unmap
 * flushes the TLB of every CPU this process ran on (an interrupt to each, dear on a virtual machine). The child only
 * makes system calls until its exec, with the signals we handle blocked until they are back at their defaults, so no
 * handler of ours runs on the memory it shares with us. They are blocked already: runs start only outside the poll,
 * the one place that unblocks them, which spares two system calls per run.
 */
static int launch(pid_t *pid, const char *file, char **argv, const struct place *at, char **env) {
    launch_errno = 0;
    pid_t p = vfork();
    if (p == 0) {
        for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++) {
            sigaction(handled[i], &default_action, NULL);
        }
        if (setsid() < 0 || dup2(devnull, 0) < 0 || dup2(at->out, 1) < 0 || dup2(at->err, 2) < 0
                || chdir(at->cwd) != 0) {
            launch_errno = errno;
            _exit(127);
        }
        sigprocmask(SIG_SETMASK, &none_set, NULL);
        execve(file, argv, env);
        launch_errno = errno;
        _exit(127);
    }
    int e = p < 0 ? errno : launch_errno;
    if (p > 0 && e) {
        while (waitpid(p, NULL, 0) < 0 && errno == EINTR) {
        }
    } else if (p > 0) {
        *pid = p;
    }
    return e;
}

static int spawn(pid_t *pid, const char *file, char **argv, const struct place *at, char **env) {
    int e = launch(pid, file, argv, at, env);
    if (e == ENOEXEC) {   /* no #! line: a shell runs it, as execvp does */
        int n = 0;
        while (argv[n]) {
            n++;
        }
        char **sh = malloc(sizeof *sh * (size_t)(n + 2));
        if (!sh) {
            return ENOMEM;
        }
        sh[0] = "/bin/sh";
        sh[1] = (char *)file;
        memcpy(sh + 2, argv + 1, sizeof *sh * (size_t)n);
        e = launch(pid, "/bin/sh", sh, at, env);
        free(sh);
    }
    return e;
}

/* execvp's search of path, each candidate tried in turn; a relative directory is taken from the run's cwd. */
static int spawn_searched(pid_t *pid, const char *cwd, const char *path, char **argv, const struct place *at,
                          char **env) {
    const char *name = argv[0];
    if (strchr(name, '/')) {
        return spawn(pid, name, argv, at, env);
    }
    if (!*name) {
        return ENOENT;
    }
    int err = ENOENT, denied = 0;
    const char *dir = path;
    for (;;) {
        const char *end = strchrnul(dir, ':');
        char *d = strndup(dir, (size_t)(end - dir));
        if (!d) {
            return ENOMEM;
        }
        char *base = *d == '/' ? strdup(d) : concat3(cwd, *d ? "/" : "", d);
        free(d);
        char *file = base ? concat3(base, "/", name) : NULL;
        free(base);
        if (!file) {
            return ENOMEM;
        }
        struct stat st;
        if (stat(file, &st) != 0) {
            err = errno;
        } else {
            err = spawn(pid, file, argv, at, env);
        }
        free(file);
        if (err == 0) {
            return 0;
        }
        if (err == EACCES) {
            denied = 1;
        } else if (err != ENOENT && err != ENOTDIR && err != ESTALE && err != ENODEV && err != ETIMEDOUT
                && err != ELOOP && err != ENAMETOOLONG) {
            return err;
        }
        if (!*end) {
            break;
        }
        dir = end + 1;
    }
    return denied ? EACCES : err;
}

static void unchain(uint32_t tag);

static void fail_start(uint32_t tag, const char *why, int *fds, int nfds) {
    for (int i = 0; i < nfds; i++) {
        if (fds[i] >= 0) {
            close(fds[i]);
        }
    }
    emit('E', tag, why, strlen(why));
    unchain(tag);
}

/* f: cwd, count, count name=value pairs, argv. */
static void start_run(uint32_t tag, char **f, int n) {
    char why[4096];
    int count = n >= 2 ? atoi(f[1]) : -1;
    if (count < 0 || 2 + count >= n) {
        int fds[1] = {-1};
        fail_start(tag, "the start frame holds no command", fds, 0);
        return;
    }
    const char *cwd = f[0];
    char **pairs = f + 2;
    int argc = n - 2 - count;
    char **argv = malloc(sizeof *argv * (size_t)(argc + 1));
    char **env = run_env(pairs, count);
    int fds[4] = {-1, -1, -1, -1};   /* out_r, out_w, err_r, err_w */
    if (!argv || !env) {
        free(argv);
        free(env);
        fail_start(tag, "cannot start: out of memory", fds, 0);
        return;
    }
    memcpy(argv, pairs + count, sizeof *argv * (size_t)argc);
    argv[argc] = NULL;
    const char *path = getenv("PATH");
    for (int i = 0; i < count; i++) {
        if (strncmp(pairs[i], "PATH=", 5) == 0) {
            path = pairs[i] + 5;
        }
    }
    if (pipe2(fds, O_CLOEXEC) != 0 || pipe2(fds + 2, O_CLOEXEC) != 0) {
        snprintf(why, sizeof why, "cannot make pipes: %s", strerror(errno));
        free(argv);
        free(env);
        fail_start(tag, why, fds, 4);
        return;
    }
    struct place at = {fds[1], fds[3], cwd};
    pid_t pid = 0;
    const char *file = path ? resolve(argv[0], path) : NULL;
    int e = file ? spawn(&pid, file, argv, &at, env) : -1;
    if (e != 0) {   /* never searched, or what the search found is gone: execvp's own search */
        e = spawn_searched(&pid, cwd, path ? path : "/bin:/usr/bin", argv, &at, env);
    }
    free(env);
    close(fds[1]);
    close(fds[3]);
    fds[1] = fds[3] = -1;
    if (e != 0) {
        snprintf(why, sizeof why, "cannot start %s in %s: %s", argv[0], cwd, strerror(e));
        free(argv);
        fail_start(tag, why, fds, 4);
        return;
    }
    free(argv);
    struct run *r = calloc(1, sizeof *r);
    if (!r) {
        kill(-pid, SIGKILL);
        fail_start(tag, "cannot start: out of memory", fds, 4);
        return;
    }
    r->tag = tag;
    r->pid = pid;
    r->fd[0] = fds[0];
    r->fd[1] = fds[2];
    r->open = 2;
    runs = grow(runs, &caprun, nruns + 1, sizeof *runs);
    runs[nruns++] = r;
    char p[4];
    put32(p, (uint32_t)pid);
    emit('P', tag, p, 4);
}

/* The runs chained after tag never start: each goes back to the worker. */
static void unchain(uint32_t tag) {
    uint32_t to;
    while (take_link(tag, &to)) {
        struct chained *c = take_chain(to);
        if (c) {
            free_spec(&c->spec);
            free(c);
        }
        emit('R', to, NULL, 0);
        tag = to;
    }
}

/* A chained run that has not started never will; the run chained after it moves up to its place. */
static void withdraw(uint32_t tag) {
    struct chained *c = take_chain(tag);
    if (!c) {
        return;   /* started already: its P or E went out before */
    }
    uint32_t after = c->after, then;
    if (take_link(tag, &then)) {
        set_link(after, then);
        int i = chain_index(then);
        if (i >= 0) {
            chains[i]->after = after;
        }
    } else {
        take_link(after, &then);
    }
    free_spec(&c->spec);
    free(c);
    emit('R', tag, NULL, 0);
}

static int lease_holds(void) {
    return !has_lease || time(NULL) < lease;
}

static uint32_t tag_of(const char *s) {
    return (uint32_t)strtoul(s, NULL, 10);
}

static int copy_spec(struct spec *s, char **f, int n) {
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        total += strlen(f[i]) + 1;
    }
    s->blob = malloc(total ? total : 1);
    s->f = malloc(sizeof *s->f * (size_t)(n ? n : 1));
    if (!s->blob || !s->f) {
        free(s->blob);
        free(s->f);
        return 0;
    }
    char *p = s->blob;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(f[i]) + 1;
        memcpy(p, f[i], l);
        s->f[i] = p;
        p += l;
    }
    s->n = n;
    return 1;
}

static void command(char *payload, size_t len) {
    /* the fields, NUL-separated, each one NUL-terminated in place (payload has a byte spare past its end) */
    payload[len] = 0;
    int n = 1;
    for (size_t i = 1; i < len; i++) {
        n += payload[i] == 0;
    }
    char **f = malloc(sizeof *f * (size_t)n);
    if (!f) {
        return;
    }
    f[0] = payload + 1;
    for (size_t i = 1, k = 1; i < len; i++) {
        if (payload[i] == 0) {
            f[k++] = payload + i + 1;
        }
    }
    switch (payload[0]) {
    case 'S':
        if (n >= 1) {
            start_run(tag_of(f[0]), f + 1, n - 1);
        }
        break;
    case 'C':
        if (n >= 2) {
            uint32_t tag = tag_of(f[0]), after = tag_of(f[1]);
            int i;
            while ((i = link_index(after)) >= 0) {   /* (the worker chains behind a chain's last run) */
                after = links[i].to;
            }
            if (run_of(after) || chain_index(after) >= 0) {
                struct chained *c = calloc(1, sizeof *c);
                if (c && copy_spec(&c->spec, f + 2, n - 2)) {
                    c->tag = tag;
                    c->after = after;
                    chains = grow(chains, &capchain, nchains + 1, sizeof *chains);
                    chains[nchains++] = c;
                    set_link(after, tag);
                } else {
                    free(c);
                    emit('R', tag, NULL, 0);
                }
            } else if (lease_holds()) {
                start_run(tag, f + 2, n - 2);   /* the run it follows has ended: its place is free */
            } else {
                emit('R', tag, NULL, 0);
            }
        }
        break;
    case 'W':
        withdraw(tag_of(f[0]));
        break;
    case 'K':
        if (n >= 2) {
            struct run *r = run_of(tag_of(f[0]));
            /* only a run we still track: its group cannot have been reused by a stranger */
            if (r && r->pid > 1) {
                kill(-r->pid, atoi(f[1]));
            }
        }
        break;
    case 'L':
        lease = (time_t)strtoll(f[0], NULL, 10);
        has_lease = 1;
        break;
    case 'Q':
        report_hold_ns = strtoll(f[0], NULL, 10) * 1000000LL;   /* 0: held reports go at the end of this turn */
        break;
    case 'F':
        emit('F', 0, NULL, 0);   /* behind all that is held, which goes with it at the end of this turn */
        break;
    default:
        break;
    }
    free(f);
}

static void read_commands(void) {
    reserve(&inbuf, &incap, inlen + READ_CHUNK + 1);
    ssize_t n = read(0, inbuf + inlen, READ_CHUNK);
    if (n < 0 && errno == EINTR) {
        return;
    }
    if (n <= 0) {
        kill_all();
        _exit(0);
    }
    inlen += (size_t)n;
    size_t at = 0;
    while (inlen - at >= 4) {
        unsigned char *p = (unsigned char *)inbuf + at;
        size_t len = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
        if (inlen - at - 4 < len) {
            reserve(&inbuf, &incap, len + 5 + READ_CHUNK);
            break;
        }
        if (len > 0) {
            /* the byte past the payload is spare (the next frame's, or the buffer's): saved, NUL, restored */
            char saved = inbuf[at + 4 + len];
            command(inbuf + at + 4, len);
            inbuf[at + 4 + len] = saved;
        }
        at += 4 + len;
    }
    memmove(inbuf, inbuf + at, inlen - at);
    inlen -= at;
}

static void close_fd(struct run *r, int stream) {
    close(r->fd[stream]);
    r->fd[stream] = -1;
    r->open--;
}

static void read_output(struct run *r, int stream) {
    static char buf[READ_CHUNK];
    ssize_t n = read(r->fd[stream], buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    if (n <= 0) {
        close_fd(r, stream);
    } else {
        char s = (char)(stream + 1);
        emit2('O', r->tag, &s, 1, buf, (size_t)n);
    }
}

static void reap(void) {
    chld = 0;
    int status, unreaped = 0;
    pid_t pid;
    for (int i = 0; i < nruns; i++) {
        unreaped += !runs[i]->has_status;
    }
    /* no wait once every run is reaped: the call that would only say so (ECHILD, or 0) is saved */
    while (unreaped > 0 && (pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (int i = 0; i < nruns; i++) {
            struct run *r = runs[i];
            if (r->pid == pid && !r->has_status) {
                unreaped--;
                r->has_status = 1;
                r->status = status;
                if (r->open > 0) {
                    r->deadline = now_ns() + drain_ns;
                }
                break;
            }
        }
    }
}

static int by_tag(const void *a, const void *b) {
    uint32_t x = (*(struct chained *const *)a)->tag, y = (*(struct chained *const *)b)->tag;
    return x < y ? -1 : x > y;
}

/* Past the lease the worker has not been heard from by its scheduler, which re-stages its runs: none may go on. */
static void keep_lease(void) {
    if (lease_holds()) {
        return;
    }
    if (nchains > 0) {
        qsort(chains, (size_t)nchains, sizeof *chains, by_tag);
        for (int i = 0; i < nchains; i++) {
            emit('R', chains[i]->tag, NULL, 0);
            free_spec(&chains[i]->spec);
            free(chains[i]);
        }
        nchains = 0;
        nlinks = 0;
    }
    for (int i = 0; i < nruns; i++) {
        struct run *r = runs[i];
        if (!r->has_status && !r->lease) {
            kill(-r->pid, SIGKILL);
            r->lease = 1;
        }
    }
}

static void remove_run(struct run *r) {
    for (int i = 0; i < nruns; i++) {
        if (runs[i] == r) {
            runs[i] = runs[--nruns];
            return;
        }
    }
}

/*
 * A run ends when its main process has been reaped and its output is closed; leftovers in its group that keep the
 * output open longer than the drain time are killed, and after another drain time it ends regardless. Output left
 * unread because the worker is not taking it does not count against the drain time.
 */
static void finish_runs(void) {
    static struct run **snapshot;
    static int capsnap;
    int count = nruns;
    if (count == 0) {
        return;
    }
    snapshot = grow(snapshot, &capsnap, count, sizeof *snapshot);
    memcpy(snapshot, runs, sizeof *runs * (size_t)count);   /* runs started here are not visited this turn */
    long long now = -1;
    for (int i = 0; i < count; i++) {
        struct run *r = snapshot[i];
        if (!r->has_status) {
            continue;
        }
        if (r->open > 0) {
            if (now < 0) {
                now = now_ns();
            }
            if (outlen >= HIGH) {
                r->deadline = now + drain_ns;
                continue;
            }
            if (now < r->deadline) {
                continue;
            }
            if (!r->killed) {
                kill(-r->pid, SIGKILL);
                r->killed = 1;
                r->deadline = now + drain_ns;
                continue;
            }
            for (int s = 0; s < 2; s++) {
                if (r->fd[s] >= 0) {
                    close_fd(r, s);
                }
            }
        }
        remove_run(r);
        uint32_t then;
        int has_then = take_link(r->tag, &then);
        /* a run killed by a signal (a cancel, the batch system's end of the job) passes its place to nobody */
        if (has_then && ((r->status & 0x7f) || r->lease)) {
            set_link(r->tag, then);
            has_then = 0;
        }
        char x[5];
        put32(x, (uint32_t)r->status);
        x[4] = (char)r->lease;
        emit('X', r->tag, x, 5);
        if (!has_then) {
            must_send = 1;   /* a place is free: the worker may have a run for it */
        }
        if (has_then) {
            struct chained *c = take_chain(then);
            if (c) {
                start_run(then, c->spec.f, c->spec.n);
                free_spec(&c->spec);
                free(c);
            }
        } else {
            unchain(r->tag);
        }
        free(r);
    }
}

/* Nanoseconds poll may wait, or -1 for as long as it takes. */
static long long timeout(void) {
    long long t = -1, now = -1, poll = -1;
    for (int i = 0; i < nruns; i++) {
        struct run *r = runs[i];
        if (r->has_status) {
            if (now < 0) {
                now = now_ns();
            }
            long long left = r->deadline - now;
            if (t < 0 || left < t) {
                t = left < 0 ? 0 : left;
            }
        } else if (r->open == 0) {
            /* its output closed, as it does when a run exits: reapable within moments. A run that closed its output
               and lives on (exec >log 2>&1 in a job script) is looked at less and less often, a tenth of the time
               since, up to a second: its SIGCHLD ends the poll anyway, and polling every HOLD_NS for hours would
               spend a run's node's CPU on nothing */
            if (now < 0) {
                now = now_ns();
            }
            if (r->closed == 0) {
                r->closed = now;   /* here, not where it closed: the clock is read once a turn, not once more a run */
            }
            long long wait = (now - r->closed) / 10;
            wait = wait < HOLD_NS ? HOLD_NS : wait > POLL_MAX_NS ? POLL_MAX_NS : wait;
            if (poll < 0 || wait < poll) {
                poll = wait;
            }
        }
    }
    if (poll >= 0 && (t < 0 || t > poll)) {
        t = poll;
    }
    if (hold && (t < 0 || t > HOLD_NS)) {
        t = HOLD_NS;
    }
    if (held_since) {
        if (now < 0) {
            now = now_ns();
        }
        long long left = held_since + report_hold_ns - now;
        if (t < 0 || left < t) {
            t = left < 0 ? 0 : left;
        }
    }
    if (has_lease && nruns > 0) {
        long long left = (long long)(lease - time(NULL)) * 1000000000LL;   /* past it, keep_lease has killed them */
        if (left > 0 && (t < 0 || left < t)) {
            t = left;
        }
    }
    return t;
}

static void on_signal(int sig) {
    if (sig == SIGCHLD) {
        chld = 1;
    } else if (sig != SIGPIPE) {
        ending = 1;
    }
}

/*
 * Whether this turn's reports wait for later ones to share a write: only while the worker allows it ("Q"), each end
 * this turn had its place taken by a chained run (nothing waits on the worker), and the first held is not too old.
 */
static int keep_held(void) {
    if (!outlen || !report_hold_ns || must_send || ending || outlen >= HELD_MAX || (!held_since && !turn_ended)) {
        return 0;
    }
    long long now = now_ns();
    if (!held_since) {
        held_since = now;
    }
    return now - held_since < report_hold_ns;
}

int main(int argc, char **argv) {
    drain_ns = (argc > 1 ? atoll(argv[1]) : 2000) * 1000000LL;
    setsid();
    /*
     * A batch system that ends the job signals every process in it: the runs then die of it and their ends reach the
     * worker; this helper goes when the worker does (its stdin closes). Handled, not ignored, and blocked but while
     * polling, so no other call sees EINTR and a SIGCHLD between a reap and the poll still wakes the poll.
     */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_NOCLDSTOP;
    sigemptyset(&handled_set);
    for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++) {
        sigaddset(&handled_set, handled[i]);
        sigaction(handled[i], &sa, NULL);
    }
    /*
     * The mask we were started with is not ours: the JVM that starts us has SIGQUIT blocked, and SIGQUIT must still
     * reach us while polling. Nothing is blocked then (none_set).
     */
    sigprocmask(SIG_SETMASK, &handled_set, NULL);
    sigemptyset(&none_set);
    default_action.sa_handler = SIG_DFL;
    /* whatever we were given beyond 0, 1 and 2 stays here */
    for (int fd = 3; fd < 1024; fd++) {
        int fl = fcntl(fd, F_GETFD);
        if (fl >= 0 && !(fl & FD_CLOEXEC)) {
            fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
        }
    }
    /* never blocked by a worker that does not read (frozen): the lease must still be kept */
    int fl = fcntl(1, F_GETFL);
    if (fl < 0 || fcntl(1, F_SETFL, fl | O_NONBLOCK) < 0) {
        perror("spawn helper: stdout");
        return 1;
    }
    devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0) {
        perror("spawn helper: /dev/null");
        return 1;
    }
    emit('H', 0, NULL, 0);
    flush_out();
    struct pollfd *pfd = NULL;
    int cappfd = 0;
    struct run **owner = NULL;
    int capowner = 0;
    for (;;) {
        int np = 0;
        pfd = grow(pfd, &cappfd, 2 + 2 * nruns, sizeof *pfd);
        owner = grow(owner, &capowner, 2 + 2 * nruns, sizeof *owner);
        pfd[np].fd = 0;
        pfd[np].events = POLLIN;
        owner[np++] = NULL;
        if (outlen && !hold && !held_since) {
            pfd[np].fd = 1;
            pfd[np].events = POLLOUT;
            owner[np++] = NULL;
        }
        int first_run = np;
        if (outlen < HIGH) {
            for (int i = 0; i < nruns; i++) {
                for (int s = 0; s < 2; s++) {
                    if (runs[i]->fd[s] >= 0) {
                        pfd[np].fd = runs[i]->fd[s];
                        pfd[np].events = POLLIN;
                        owner[np++] = runs[i];
                    }
                }
            }
        }
        long long t = timeout();
        struct timespec ts = {(time_t)(t / 1000000000LL), (long)(t % 1000000000LL)};
        int n = ppoll(pfd, (nfds_t)np, t < 0 ? NULL : &ts, &none_set);
        if (n > 0) {
            if (pfd[0].revents) {
                read_commands();   /* starts runs and signals them; removes none, so owner stays valid */
            }
            for (int i = first_run; i < np; i++) {
                if (pfd[i].revents) {
                    struct run *r = owner[i];
                    int s = r->fd[0] == pfd[i].fd ? 0 : 1;
                    if (r->fd[s] != pfd[i].fd) {
                        continue;
                    }
                    if ((pfd[i].revents & (POLLIN | POLLHUP)) == POLLHUP) {
                        close_fd(r, s);   /* empty, and no writer is left: the read that would say so is saved */
                    } else {
                        read_output(r, s);
                    }
                }
            }
        }
        /* a child's pipes close before it becomes a zombie and its SIGCHLD comes: a wait on their closing would mostly
           find no one, and the SIGCHLD would then end a poll for nothing. Only a poll run out with such a child left
           waits without the signal, should it never come. */
        int reapable = chld;
        for (int i = 0; i < nruns && !reapable && n == 0; i++) {
            reapable = !runs[i]->has_status && runs[i]->open == 0;
        }
        if (reapable) {
            reap();
        }
        keep_lease();
        finish_runs();
        if (hold == 1) {
            hold = 2;   /* one more poll before the start goes out, unless something else comes first */
        } else {
            hold = 0;
            if (!keep_held()) {
                held_since = 0;
                flush_out();
            }
        }
        turn_ended = 0;
        must_send = 0;
    }
}

/*
 * dump_read_buckets: local files through memory mappings, and one large text
 * dump read by several threads.
 *
 * A debug=2 dump of a million goroutines is hundreds of megabytes and one
 * parser reads it at about the speed of a CPU core, so a regular file of
 * text tracebacks is cut into parts at stanza boundaries (a blank line
 * before "goroutine "), up to 8 per thread and at least min_part bytes each;
 * the threads take parts from a queue and read each into a parser and bucket
 * set of its own, and the bucket sets are merged in file order.  After a
 * blank line the text reader carries nothing over to the next line except a
 * learned log prefix, the preamble and its counters: so every part starts as
 * the one parser would be there, provided no part ended with a prefix learned
 * (then the file is read again by one thread), and the counters and the
 * first preamble are combined in order.  Memory stays bounded: a thread maps
 * 2 MiB of its part at a time and holds one stanza.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_internal.h"

enum {
    THREADS_MAX = 4,
    /* More parts than threads, taken from a queue: a thread that gets less
     * of a core (a loaded machine) reads fewer parts instead of holding up
     * the others at the end. */
    PARTS_PER_THREAD = 8,
    PARTS_MAX = THREADS_MAX * PARTS_PER_THREAD,
    READ_BLOCK = 1 << 20,
    MAP_WINDOW = 2 << 20, /* a multiple of the page size */
    BOUNDARY_SEARCH = 1 << 20, /* how far past a cut a stanza boundary is looked for */
};
#define DEFAULT_MIN_PART ((size_t)8 << 20)

static const char boundary[] = "\n\ngoroutine ";
#define BOUNDARY_LEN (sizeof boundary - 1)

typedef struct part {
    int fd;
    const char *source;
    off_t start, end;
    dump_buckets *buckets;
    dump_parser *parser;
    int read_errno; /* 0, or the errno of a failed pread */
} part;

/* Feeds [start, end) through windows mapped one after another: no copy
 * out of the page cache, and only one window is resident at a time. */
static bool feed_mapped(part *pt) {
    long page = sysconf(_SC_PAGESIZE);
    for (off_t at = pt->start; at < pt->end;) {
        off_t base = at - at % page;
        size_t len = pt->end - base < MAP_WINDOW ? (size_t)(pt->end - base) : MAP_WINDOW;
        char *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, pt->fd, base);
        if (m == MAP_FAILED)
            return at == pt->start ? false : (pt->read_errno = errno, true);
        madvise(m, len, MADV_SEQUENTIAL);
        dump_parser_feed(pt->parser, m + (at - base), len - (size_t)(at - base));
        munmap(m, len);
        at = base + (off_t)len;
    }
    return true;
}

/* The same with pread, for files that cannot be mapped. */
static void feed_read(part *pt) {
    char *block = malloc(READ_BLOCK);
    if (!block) {
        pt->read_errno = ENOMEM;
        return;
    }
    for (off_t at = pt->start; at < pt->end;) {
        size_t want = pt->end - at < READ_BLOCK ? (size_t)(pt->end - at) : READ_BLOCK;
        ssize_t got = pread(pt->fd, block, want, at);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) { /* 0: the file shrank while it was read */
            pt->read_errno = got < 0 ? errno : EIO;
            break;
        }
        dump_parser_feed(pt->parser, block, (size_t)got);
        at += got;
    }
    free(block);
}

static void *read_part(void *arg) {
    part *pt = arg;
    if (!feed_mapped(pt))
        feed_read(pt);
    dump_parser_finish(pt->parser);
    return NULL;
}

/* Where the stanza header after the first blank line at or past `from`
 * starts, if it is before `limit`; -1 when there is none near. */
static off_t stanza_boundary(int fd, off_t from, off_t limit, char *buf) {
    size_t want = BOUNDARY_SEARCH + BOUNDARY_LEN;
    if (limit - from < (off_t)want)
        want = (size_t)(limit - from);
    ssize_t got = pread(fd, buf, want, from);
    if (got < (ssize_t)BOUNDARY_LEN)
        return -1;
    const char *hit = memmem(buf, (size_t)got, boundary, BOUNDARY_LEN);
    return hit ? from + (hit - buf) + 2 : -1;
}

/* Cuts [0, size) into at most n parts; returns how many (1: not split). */
static size_t cut(int fd, off_t size, size_t n, off_t *starts) {
    char *buf = malloc(BOUNDARY_SEARCH + BOUNDARY_LEN);
    if (!buf)
        return 1;
    size_t parts = 1;
    starts[0] = 0;
    for (size_t i = 1; i < n; i++) {
        off_t at = stanza_boundary(fd, size / (off_t)n * (off_t)i, size, buf);
        if (at > starts[parts - 1] && at < size)
            starts[parts++] = at;
    }
    free(buf);
    return parts;
}

static unsigned thread_count(const dump_read_options *opt) {
    if (opt && opt->threads)
        return opt->threads < THREADS_MAX ? opt->threads : THREADS_MAX;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores < 1 ? 1 : cores > THREADS_MAX ? THREADS_MAX : (unsigned)cores;
}

/* Counters of a later part added to the total; its lines come after
 * lines_before lines. */
static void add_stats(dump_stats *to, const dump_stats *from, uint64_t lines_before, char *preamble,
                      size_t preamble_size) {
    to->bytes += from->bytes;
    to->lines += from->lines;
    to->goroutines += from->goroutines;
    to->stacks += from->stacks;
    to->skipped_lines += from->skipped_lines;
    to->truncated_stanzas += from->truncated_stanzas;
    if (!to->first_problem_line && from->first_problem_line) {
        to->first_problem_line = from->first_problem_line + lines_before;
        to->first_problem = from->first_problem;
    }
    if (!to->preamble.len && from->preamble.len) {
        size_t n = from->preamble.len < preamble_size ? from->preamble.len : preamble_size - 1;
        memcpy(preamble, from->preamble.ptr, n);
        preamble[n] = '\0';
        to->preamble = ls_str_make(preamble, n);
    }
}

/* The parts were read as one parser would have read the file. */
static bool parts_agree(const part *parts, size_t n) {
    if (parts[0].parser->stats.format != DUMP_FORMAT_TEXT)
        return false;
    for (size_t i = 0; i < n; i++)
        if (parts[i].parser->prefix_len || parts[i].parser->failed || parts[i].parser->stopped)
            return false;
    return true;
}

typedef struct part_queue {
    part *parts;
    size_t n;
    atomic_size_t next;
} part_queue;

static void *read_queued(void *arg) {
    part_queue *q = arg;
    for (size_t i; (i = atomic_fetch_add(&q->next, 1)) < q->n;)
        read_part(&q->parts[i]);
    return NULL;
}

/* Reads the parts on `threads` threads, the calling one included. */
static void read_parts(part *parts, size_t n, size_t threads) {
    part_queue q = {parts, n, 0};
    pthread_t tid[THREADS_MAX];
    bool started[THREADS_MAX] = {false};
    for (size_t i = 1; i < threads; i++)
        started[i] = pthread_create(&tid[i], NULL, read_queued, &q) == 0;
    read_queued(&q);
    for (size_t i = 1; i < threads; i++)
        if (started[i])
            pthread_join(tid[i], NULL);
}

static char *read_error(const char *source, int errnum) {
    ls_buf m = {0};
    ls_buf_printf(&m, "%s: read error: %s", source, strerror(errnum));
    ls_buf_putc(&m, '\0');
    return m.data;
}

/* One part, the whole file, straight into b. */
static int read_whole(const char *source, int fd, off_t size, dump_format format, dump_buckets *b,
                      dump_stats *stats, char **err) {
    static _Thread_local char preamble[512]; /* stats->preamble points here */
    part pt = {.fd = fd, .source = source, .start = 0, .end = size, .buckets = b};
    pt.parser = dump_parser_new(format, source, dump_buckets_sink, b);
    if (!pt.parser)
        abort();
    read_part(&pt);
    int rc = 0;
    if (pt.read_errno) {
        *err = read_error(source, pt.read_errno);
        rc = -1;
    } else if (pt.parser->failed) {
        const char *e = dump_parser_error(pt.parser);
        *err = strdup(e ? e : "input error");
        rc = -1;
    }
    if (stats) {
        dump_stats total = {.format = dump_parser_stats(pt.parser)->format, .parts = 1};
        add_stats(&total, dump_parser_stats(pt.parser), 0, preamble, sizeof preamble);
        *stats = total;
    }
    dump_parser_free(pt.parser);
    return rc;
}

/* Reads the parts starting at starts[0..n) into b; returns 1, or 0 when they
 * were not read as one parser would have (nothing was added to b). */
static int read_split(const char *source, int fd, off_t size, const off_t *starts, size_t n, size_t threads,
                      dump_format format, dump_buckets *b, dump_stats *stats, char **err, int *rc) {
    part parts[PARTS_MAX];
    for (size_t i = 0; i < n; i++) {
        parts[i] = (part){.fd = fd, .source = source, .start = starts[i], .end = i + 1 < n ? starts[i + 1] : size};
        parts[i].buckets = dump_buckets_new(dump_buckets_group(b));
        parts[i].parser = dump_parser_new(i ? DUMP_FORMAT_TEXT : format, source, dump_buckets_sink, parts[i].buckets);
        if (!parts[i].parser)
            abort();
    }
    read_parts(parts, n, threads);
    int done = 0;
    *rc = 0;
    for (size_t i = 0; i < n && !done; i++) {
        if (parts[i].read_errno) {
            *err = read_error(source, parts[i].read_errno);
            *rc = -1;
            done = 1;
        }
    }
    if (!done && parts_agree(parts, n)) {
        static _Thread_local char preamble[512]; /* stats->preamble points here */
        dump_stats total = {.format = DUMP_FORMAT_TEXT, .parts = (uint32_t)threads};
        for (size_t i = 0; i < n; i++) {
            dump_buckets_merge(b, parts[i].buckets);
            dump_buckets_free(parts[i].buckets); /* its goroutine IDs are now in b */
            parts[i].buckets = NULL;
            add_stats(&total, dump_parser_stats(parts[i].parser), total.lines, preamble, sizeof preamble);
        }
        if (stats)
            *stats = total;
        done = 1;
    }
    for (size_t i = 0; i < n; i++) {
        dump_parser_free(parts[i].parser);
        dump_buckets_free(parts[i].buckets);
    }
    return done;
}

static bool is_local_path(const char *source) {
    return strcmp(source, "-") != 0 && strncmp(source, "http://", 7) != 0 && strncmp(source, "https://", 8) != 0;
}

int dump_read_buckets(const char *source, dump_format format, dump_buckets *b,
                      const dump_read_options *opt, dump_stats *stats, char **err) {
    *err = NULL;
    int fd = is_local_path(source) ? open(source, O_RDONLY) : -1;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        /* stdin, URLs, pipes, devices, and the message for a missing file */
        if (fd >= 0)
            close(fd);
        int rc = dump_read_source(source, format, dump_buckets_sink, b, stats, err);
        if (stats)
            stats->parts = 1;
        return rc;
    }
    size_t min_part = opt && opt->min_part ? opt->min_part : DEFAULT_MIN_PART;
    size_t nparts = (size_t)st.st_size / min_part, threads = thread_count(opt);
    if (nparts > threads * PARTS_PER_THREAD)
        nparts = threads * PARTS_PER_THREAD;
    int rc = 0;
    if (threads > 1 && nparts > 1 && (format == DUMP_FORMAT_AUTO || format == DUMP_FORMAT_TEXT)) {
        off_t starts[PARTS_MAX];
        size_t n = cut(fd, st.st_size, nparts, starts);
        if (n > 1 && read_split(source, fd, st.st_size, starts, n, n < threads ? n : threads, format, b, stats,
                                err, &rc)) {
            close(fd);
            return rc;
        }
    }
    rc = read_whole(source, fd, st.st_size, format, b, stats, err);
    close(fd);
    return rc;
}

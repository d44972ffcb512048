/*
 * Whether a record of the `live` map still names a running goroutine, from
 * what the loader reads of its g (probe_snapshot).  Apart so that a unit
 * test can reach it without BPF.  Needs <linux/types.h> and probe_events.h.
 */
#ifndef LS_PROBE_RECORD_H
#define LS_PROBE_RECORD_H

#include <stdint.h>

/* runtime2.go's goroutine states (atomicstatus with _Gscan masked off) */
enum { G_IDLE = 0, G_DEAD = 6, G_MAX_STATUS = 9, G_SCAN = 0x1000 };

/*
 * How long a record the creation probe made may read _Gdead and still be
 * a goroutine being born: in Go 1.24+ the probe fires at newproc1's call
 * to casgstatus(newg, _Gdead, _Grunnable), after the goid is set and
 * before the status leaves _Gdead (gobin_newg_probe_site).  A thread
 * stalled that long in between is taken for an ended goroutine.
 */
#define PROBE_BIRTH_GRACE_NS 1000000000u

typedef enum probe_record_fate {
    PROBE_RECORD_LIVE,    /* status and stack can be read */
    PROBE_RECORD_ENDED,   /* ended unseen (its g dead or reused): drop it */
    PROBE_RECORD_UNBORN,  /* being created: keep it, status not yet meaningful */
} probe_record_fate;

/* rec is the record of goroutine goid; its g now holds goid_now with
 * status (g.atomicstatus), read at now_ns (bpf_ktime_get_ns's clock). */
static inline probe_record_fate probe_record_check(const struct probe_record *rec, uint64_t goid, uint64_t goid_now,
                                                   uint32_t status, uint64_t now_ns) {
    if (goid_now != goid)
        return PROBE_RECORD_ENDED;
    if ((status & ~(uint32_t)G_SCAN) != G_DEAD)
        return PROBE_RECORD_LIVE;
    /* an adopted g was read running, so dead means ended (between the
     * read and the record, unseen by the exit probe) */
    if (!rec->adopted && (now_ns < rec->created_ns || now_ns - rec->created_ns < PROBE_BIRTH_GRACE_NS))
        return PROBE_RECORD_UNBORN;
    return PROBE_RECORD_ENDED;
}

#endif

/*
 * Which `live` records probe_snapshot keeps (src/probe/probe_record.h):
 * a record whose g was reused or is dead has ended unseen and goes, but
 * one the creation probe made moments ago reads _Gdead while newproc1 is
 * still on its way to casgstatus (Go 1.24+) and must stay.
 */
#include <linux/types.h>

#include "../check.h"
#include "probe_events.h"
#include "probe_record.h"

#define MS 1000000ull
enum { G_RUNNABLE = 1, G_WAITING = 4 };

static void test_reused_g_ends(void) {
    struct probe_record rec = {.created_ns = 100 * MS};
    CHECK_EQ_INT(probe_record_check(&rec, 7, 8, G_WAITING, 101 * MS), PROBE_RECORD_ENDED);
}

static void test_running_g_lives(void) {
    struct probe_record rec = {.created_ns = 100 * MS};
    CHECK_EQ_INT(probe_record_check(&rec, 7, 7, G_WAITING, 5000 * MS), PROBE_RECORD_LIVE);
    CHECK_EQ_INT(probe_record_check(&rec, 7, 7, G_RUNNABLE | G_SCAN, 5000 * MS), PROBE_RECORD_LIVE);
}

static void test_just_created_g_stays(void) {
    struct probe_record rec = {.created_ns = 100 * MS};
    CHECK_EQ_INT(probe_record_check(&rec, 7, 7, G_DEAD, 100 * MS + 3000), PROBE_RECORD_UNBORN);
    CHECK_EQ_INT(probe_record_check(&rec, 7, 7, G_DEAD | G_SCAN, 101 * MS), PROBE_RECORD_UNBORN);
    /* made after the clock was read (another CPU): young too */
    CHECK_EQ_INT(probe_record_check(&rec, 7, 7, G_DEAD, 99 * MS), PROBE_RECORD_UNBORN);
}

static void test_dead_g_ends(void) {
    struct probe_record rec = {.created_ns = 100 * MS};
    CHECK_EQ_INT(probe_record_check(&rec, 7, 7, G_DEAD, 100 * MS + PROBE_BIRTH_GRACE_NS), PROBE_RECORD_ENDED);
    struct probe_record adopted = {.created_ns = 100 * MS, .adopted = 1};
    CHECK_EQ_INT(probe_record_check(&adopted, 7, 7, G_DEAD, 100 * MS + 3000), PROBE_RECORD_ENDED);
}

int main(void) {
    test_reused_g_ends();
    test_running_g_lives();
    test_just_created_g_stays();
    test_dead_g_ends();
    return check_finish();
}

/*
 * libFuzzer target for the text dump reader (DUMP_FORMAT_TEXT): arbitrary
 * bytes, whole and in chunks; see fuzz_dump_common.h for the invariants.
 */
#include "fuzz_dump_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return fuzz_dump(DUMP_FORMAT_TEXT, data, size);
}

/* Unicode classes of Go identifiers, generated from Go's own tables. */
#ifndef LS_GO_UNICODE_TABLES_H
#define LS_GO_UNICODE_TABLES_H

typedef struct go_rune_range {
    unsigned lo, hi;
} go_rune_range;

extern const go_rune_range go_letter_ranges[];
extern const unsigned go_letter_ranges_len;
extern const go_rune_range go_digit_ranges[];
extern const unsigned go_digit_ranges_len;

#endif

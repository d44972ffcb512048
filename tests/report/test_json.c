/*
 * The JSON string writer of the report writers (report.h): quotes and
 * backslashes escaped, control bytes as \u00XX, valid UTF-8 passed
 * through, invalid UTF-8 (stray continuation bytes, overlong forms,
 * surrogates, truncated sequences, bytes above U+10FFFF) replaced by
 * U+FFFD, one per bad byte.
 */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "leakscope/report.h"

static void expect(const char *in, size_t len, const char *want) {
    ls_buf b = {0};
    report_json_string(&b, in, len);
    ls_buf_putc(&b, 0);
    CHECK_EQ_STR(b.data, want);
    ls_buf_free(&b);
}

#define EXPECT(lit, want) expect(lit, sizeof lit - 1, want)

int main(void) {
    EXPECT("", "\"\"");
    EXPECT("plain", "\"plain\"");
    EXPECT("a\"b\\c", "\"a\\\"b\\\\c\"");
    EXPECT("\n\t\x01\x1f", "\"\\u000a\\u0009\\u0001\\u001f\"");
    EXPECT("\x00z", "\"\\u0000z\"");
    EXPECT("\x7f", "\"\x7f\"");
    EXPECT("h\xc3\xa9llo \xe4\xb8\xad \xf0\x9f\x98\x80", "\"h\xc3\xa9llo \xe4\xb8\xad \xf0\x9f\x98\x80\"");
    EXPECT("\xff", "\"\xef\xbf\xbd\"");
    EXPECT("\x80x", "\"\xef\xbf\xbdx\"");
    EXPECT("\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"");         /* overlong '/' */
    EXPECT("\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""); /* surrogate */
    EXPECT("\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""); /* > U+10FFFF */
    EXPECT("\xe4\xb8", "\"\xef\xbf\xbd\xef\xbf\xbd\"");          /* truncated at the end */
    EXPECT("\xe4\xb8z", "\"\xef\xbf\xbd\xef\xbf\xbdz\"");        /* truncated before ASCII */

    /* an empty result as a document */
    lint_result r = {0};
    ls_buf b = {0};
    report_lint_json(&b, &r, NULL, 0);
    ls_buf_putc(&b, 0);
    CHECK_EQ_STR(b.data, "{\n  \"version\": 1,\n  \"tool\": {\"name\": \"leakscope\", \"version\": \"" LEAKSCOPE_VERSION
                         "\"},\n  \"findings\": [],\n  \"errors\": []\n}\n");
    ls_buf_free(&b);
    return check_finish();
}

/*
 * --new-from-rev's diff reader (lintgit.h): the `+c,d` sides of the hunk
 * headers of `git diff --unified=0` become the changed lines of each file;
 * body lines that look like headers ("+++ x" added) are not headers;
 * deleted files, pure deletions and quoted names; files not in the diff
 * are unchanged, files outside the root changed in full.
 */
#include <stdlib.h>

#include "../check.h"
#include "leakscope/lintgit.h"

static const char diff[] =
    "diff --git a/a.go b/a.go\n"
    "index 1111111..2222222 100644\n"
    "--- a/a.go\n"
    "+++ b/a.go\n"
    "@@ -3 +3 @@ func f() {\n"
    "-\tx := 1\n"
    "+\tx := 2\n"
    "@@ -10,0 +11,2 @@ func g() {\n"
    "+++ looks like a header\n"
    "+@@ -1 +100,5 @@ and so does this\n"
    "@@ -20,3 +22,0 @@\n"
    "-a\n"
    "-b\n"
    "-c\n"
    "\\ No newline at end of file\n"
    "diff --git a/gone.go b/gone.go\n"
    "deleted file mode 100644\n"
    "--- a/gone.go\n"
    "+++ /dev/null\n"
    "@@ -1,2 +0,0 @@\n"
    "-package gone\n"
    "-\n"
    "diff --git \"a/sp ace\\tx.go\" \"b/sp ace\\tx.go\"\n"
    "--- \"a/sp ace\\tx.go\"\n"
    "+++ \"b/sp ace\\tx.go\"\n"
    "@@ -0,0 +1,3 @@\n"
    "+package p\n"
    "+\n"
    "+func f() {}\n";

int main(void) {
    char tmpl[] = "/tmp/leakscope_gitdiff_XXXXXX";
    if (!mkdtemp(tmpl))
        return 1;
    char *root = realpath(tmpl, NULL);
    char path[512];
    const char *names[] = {"a.go", "b.go", "sp ace\tx.go"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", root, names[i]);
        FILE *f = fopen(path, "w");
        if (f)
            fclose(f);
    }
    lint_changes *c = lint_changes_from_diff(root, diff, sizeof diff - 1);
    snprintf(path, sizeof path, "%s/a.go", root);
    bool want[25] = {false};
    want[3] = want[11] = want[12] = true;
    for (uint32_t line = 1; line < 25; line++)
        if (!CHECK_HERE(lint_changes_has_line(c, path, line) == want[line]))
            fprintf(stderr, "a.go:%u: changed %d, want %d\n", line, !want[line], want[line]);
    CHECK(!lint_changes_has_line(c, path, 100)); /* from the body line, not a header */
    snprintf(path, sizeof path, "%s/sp ace\tx.go", root);
    CHECK(lint_changes_has_line(c, path, 1) && lint_changes_has_line(c, path, 3));
    CHECK(!lint_changes_has_line(c, path, 4));
    /* not in the diff: untracked here (lint_changes_since marks what git tracks) */
    snprintf(path, sizeof path, "%s/b.go", root);
    CHECK(lint_changes_has_line(c, path, 1));
    CHECK(lint_changes_has_line(c, "/nonexistent/file.go", 1));
    lint_changes_free(c);
    snprintf(path, sizeof path, "rm -rf '%s'", root);
    CHECK(system(path) == 0);
    free(root);
    return check_finish();
}

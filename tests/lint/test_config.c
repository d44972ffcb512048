/*
 * The configuration file (lintconfig.h, docs/lint-config.md): the path
 * glob matcher, exclusion relative to the file's directory, the loader on
 * good files, and each kind of mistake with the line and column it names.
 */
#include <stdlib.h>
#include <unistd.h>

#include "../check.h"
#include "leakscope/lintconfig.h"

static void test_glob(void) {
    CHECK(lint_glob_match("a.go", "a.go"));
    CHECK(!lint_glob_match("a.go", "x/a.go"));
    CHECK(lint_glob_match("*.go", "a.go"));
    CHECK(!lint_glob_match("*.go", "x/a.go")); /* '*' stays within an element */
    CHECK(lint_glob_match("**/*_gen.go", "a_gen.go")); /* '**' matches no element too */
    CHECK(lint_glob_match("**/*_gen.go", "x/y/a_gen.go"));
    CHECK(!lint_glob_match("**/*_gen.go", "x/y/a_gen.go.txt"));
    CHECK(lint_glob_match("internal/legacy/**", "internal/legacy/a.go"));
    CHECK(lint_glob_match("internal/legacy/**", "internal/legacy/deep/er/a.go"));
    CHECK(!lint_glob_match("internal/legacy/**", "internal/legacy2/a.go"));
    CHECK(lint_glob_match("a/**/b/*.go", "a/b/x.go"));
    CHECK(lint_glob_match("a/**/b/*.go", "a/1/2/b/x.go"));
    CHECK(!lint_glob_match("a/**/b/*.go", "a/1/2/c/x.go"));
    CHECK(lint_glob_match("cmd/?ool/[a-c]*.go", "cmd/tool/b1.go"));
    CHECK(!lint_glob_match("cmd/?ool/[a-c]*.go", "cmd/tool/d1.go"));
    CHECK(!lint_glob_match("*.go", ".hidden.go")); /* like the shell */
    CHECK(lint_glob_match("**", "any/thing.go"));
    CHECK(!lint_glob_match("a", ""));
}

static bool parse(const char *text, lint_config *cfg, char *err, size_t errlen) {
    return lint_config_parse(".leakscope.yml", "/proj", text, strlen(text), cfg, err, errlen);
}

static void test_good(void) {
    lint_config c;
    char err[512] = "";
    REQUIRE(parse("version: 1\n"
                  "rules:\n"
                  "  enable: [CTX001, body-not-closed, ctx008]\n"
                  "  disable:\n"
                  "    - CTX004\n"
                  "severity:\n"
                  "  CTX008: warning\n"
                  "  lost-cancel: error\n"
                  "exclude:\n"
                  "  - \"**/*_gen.go\"\n"
                  "  - internal/legacy/**\n"
                  "tests: false\n",
                  &c, err, sizeof err));
    CHECK(c.has_enable);
    REQUIRE(c.nenable == 3 && c.ndisable == 1);
    CHECK_EQ_STR(c.enable[0]->id, "CTX001");
    CHECK_EQ_STR(c.enable[1]->id, "RES003");
    CHECK_EQ_STR(c.enable[2]->id, "CTX008");
    CHECK_EQ_STR(c.disable[0]->id, "CTX004");
    lint_severity s = LINT_ERROR;
    CHECK(lint_config_severity_of(&c, lint_rule_find("CTX008"), &s) && s == LINT_WARNING);
    CHECK(lint_config_severity_of(&c, lint_rule_find("CTX001"), &s) && s == LINT_ERROR);
    CHECK(!lint_config_severity_of(&c, lint_rule_find("CTX002"), &s));
    CHECK_EQ_INT(c.tests, 0);
    REQUIRE(c.nexclude == 2);
    CHECK_EQ_STR(c.exclude[0], "**/*_gen.go");
    lint_config_free(&c);

    /* empty files and comments only: nothing set */
    REQUIRE(parse("", &c, err, sizeof err));
    CHECK(!c.has_enable && c.tests == -1 && c.nexclude == 0);
    lint_config_free(&c);
    REQUIRE(parse("# nothing yet\n", &c, err, sizeof err));
    lint_config_free(&c);
    /* an empty enable list is given: no rule runs */
    REQUIRE(parse("rules: {enable: []}\ntests: true\n", &c, err, sizeof err));
    CHECK(c.has_enable && c.nenable == 0 && c.tests == 1);
    lint_config_free(&c);
}

/* The file's mistake is reported as the message "PATH:LINE:COL: ...". */
static void expect_error(const char *text, const char *where, const char *what) {
    lint_config c;
    char err[512] = "";
    bool ok = parse(text, &c, err, sizeof err);
    if (!CHECK_HERE(!ok)) {
        fprintf(stderr, "accepted: %s\n", text);
    } else {
        char prefix[64];
        snprintf(prefix, sizeof prefix, ".leakscope.yml:%s: ", where);
        if (!CHECK_HERE(strncmp(err, prefix, strlen(prefix)) == 0 && strstr(err, what)))
            fprintf(stderr, "got \"%s\", want \"%s%s...\"\n", err, prefix, what);
    }
    lint_config_free(&c);
}

static void test_errors(void) {
    expect_error("version: 1\nrules: [\n", "3:1", "YAML syntax error");
    expect_error("version: 1\n  bad: indent\n", "2:6", "YAML syntax error");
    expect_error("- a\n- b\n", "1:1", "must be a mapping");
    expect_error("version: 1\nrulez: {}\n", "2:1", "unknown key 'rulez'");
    expect_error("version: 2\n", "1:10", "version must be 1");
    expect_error("rules:\n  enable: [CTX001, CTX999]\n", "2:20", "unknown rule 'CTX999' in rules.enable");
    expect_error("rules:\n  disable:\n    - nope\n", "3:7", "unknown rule 'nope' in rules.disable");
    expect_error("rules:\n  enabled: [CTX001]\n", "2:3", "unknown key 'enabled' in rules");
    expect_error("rules:\n  enable: CTX001\n", "2:11", "rules.enable must be a list");
    expect_error("rules: CTX001\n", "1:8", "rules must be a mapping");
    expect_error("severity:\n  CTX008: fatal\n", "2:11", "must be error or warning, not fatal");
    expect_error("severity:\n  CTX0: error\n", "2:3", "unknown rule 'CTX0' in severity");
    expect_error("exclude: a.go\n", "1:10", "exclude must be a list");
    expect_error("exclude:\n  - [a]\n", "2:5", "exclude wants path globs");
    expect_error("tests: maybe\n", "1:8", "tests must be true or false");
    expect_error("tests: true\ntests: false\n", "2:1", "key 'tests' is given twice");
}

static void test_exclude(void) {
    /* a directory of real files: globs are relative to the file's directory */
    char tmpl[] = "/tmp/leakscope_config_XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    char *dir = realpath(tmpl, NULL);
    REQUIRE(dir);
    char path[512];
    const char *files[] = {"a.go", "x_gen.go", "internal/legacy/old.go", "internal/new.go", "sub/legacy/l.go"};
    snprintf(path, sizeof path, "mkdir -p %s/internal/legacy %s/sub/legacy", dir, dir);
    REQUIRE(system(path) == 0);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        FILE *f = fopen(path, "w");
        REQUIRE(f);
        fclose(f);
    }
    lint_config c;
    char err[256];
    const char *text = "exclude: [\"*_gen.go\", internal/legacy/**, \"./sub/legacy\"]\n";
    REQUIRE(lint_config_parse("cfg", dir, text, strlen(text), &c, err, sizeof err));
    bool want[] = {false, true, true, false, true};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (!CHECK_HERE(lint_config_excludes(&c, path) == want[i]))
            fprintf(stderr, "%s: excluded %d, want %d\n", files[i], !want[i], want[i]);
    }
    /* relative to the working directory too */
    char *cwd = getcwd(NULL, 0);
    REQUIRE(chdir(dir) == 0);
    CHECK(lint_config_excludes(&c, "internal/legacy/old.go"));
    CHECK(!lint_config_excludes(&c, "./internal/new.go"));
    REQUIRE(chdir(cwd) == 0);
    free(cwd);
    lint_config_free(&c);

    /* finding the file: the nearest directory up, not above the repository root */
    snprintf(path, sizeof path, "%s/.leakscope.yml", dir);
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fclose(f);
    snprintf(path, sizeof path, "%s/internal/legacy", dir);
    char *found = lint_config_find(path);
    char want_path[512];
    snprintf(want_path, sizeof want_path, "%s/.leakscope.yml", dir);
    CHECK(found && strcmp(found, want_path) == 0);
    free(found);
    snprintf(path, sizeof path, "mkdir %s/sub/.git", dir);
    REQUIRE(system(path) == 0);
    snprintf(path, sizeof path, "%s/sub/legacy", dir);
    found = lint_config_find(path);
    CHECK_EQ_PTR(found, NULL);
    free(found);

    snprintf(path, sizeof path, "rm -rf %s", dir);
    CHECK(system(path) == 0);
    free(dir);
}

int main(void) {
    test_glob();
    test_good();
    test_errors();
    test_exclude();
    return check_finish();
}

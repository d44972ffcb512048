/*
 * The registry of lint rules: every rule in ID order.
 *
 * The list itself is generated at configure time from the files in
 * src/lint/rules/ (cmake/lint_registry.cmake): a file named
 * <id>_<name>.c defines `const lint_rule lint_rule_<id>`, so adding a rule
 * is adding a file.
 */
#include <string.h>
#include <strings.h>

#include "leakscope/lint.h"
#include "lint_registry_gen.h" /* LINT_REGISTRY_RULES, generated */

static const lint_rule *const registry[] = {LINT_REGISTRY_RULES NULL};

const lint_rule *const *lint_rules(size_t *count) {
    if (count)
        *count = sizeof registry / sizeof *registry - 1;
    return registry;
}

const lint_rule *lint_rule_find(const char *id_or_name) {
    if (!id_or_name)
        return NULL;
    for (size_t i = 0; registry[i]; i++)
        if (strcasecmp(registry[i]->id, id_or_name) == 0 ||
            (registry[i]->name && strcasecmp(registry[i]->name, id_or_name) == 0))
            return registry[i];
    return NULL;
}

const char *lint_severity_name(lint_severity s) {
    switch (s) {
    case LINT_ERROR: return "error";
    case LINT_WARNING: return "warning";
    }
    return "error";
}

/* What the fixture plugins share: a plugin that accepts every problem and computes nothing
 * (forward and backward leave their outputs alone). Each fixture changes one thing so that it
 * fails at one moment; the plugin tests (tests/test_plugin_*.cpp) assert on the host's reaction.
 * Plain C: the fixtures also prove that rnnsuite/plugin.h is C. */
#ifndef RNNSUITE_FIXTURE_H
#define RNNSUITE_FIXTURE_H

#include <string.h>

#include "rnnsuite/plugin.h"

static const rnnsuite_host* fixture_host __attribute__((unused));
static int fixture_token __attribute__((unused)); /* the address of this is every instance */

__attribute__((unused)) static void fixture_log(const char* text) {
  if (fixture_host && fixture_host->log) fixture_host->log(fixture_host->context, RNNSUITE_LOG_ERROR, text);
}

__attribute__((unused)) static int32_t fixture_get_caps(rnnsuite_caps* caps) {
  rnnsuite_caps mine;
  memset(&mine, 0, sizeof mine);
  mine.cells = 0x1Fu;
  mine.dtypes = 3u;
  mine.flags = RNNSUITE_CAP_PER_STEP_GRADIENTS | RNNSUITE_CAP_TRUNCATION;
  mine.max_layers = 1;
  mine.max_directions = 1;
  memcpy(caps, &mine, caps->struct_size < sizeof mine ? caps->struct_size : sizeof mine);
  return RNNSUITE_OK;
}

__attribute__((unused)) static int32_t fixture_check(const rnnsuite_problem* problem, const rnnsuite_options* options) {
  (void)problem, (void)options;
  return RNNSUITE_OK;
}

__attribute__((unused)) static int32_t fixture_create(const rnnsuite_problem* problem, const rnnsuite_options* options,
                              const rnnsuite_parameters* parameters, rnnsuite_instance** instance) {
  (void)problem, (void)options, (void)parameters;
  *instance = (rnnsuite_instance*)&fixture_token;
  return RNNSUITE_OK;
}

__attribute__((unused)) static int32_t fixture_workspace_sizes(const rnnsuite_instance* instance,
                                       rnnsuite_workspace_sizes* sizes) {
  (void)instance;
  sizes->reserve_bytes = 0;
  sizes->scratch_bytes = 0;
  return RNNSUITE_OK;
}

__attribute__((unused)) static int32_t fixture_forward(rnnsuite_instance* instance, const rnnsuite_forward_args* args) {
  (void)instance, (void)args;
  return RNNSUITE_OK;
}

__attribute__((unused)) static int32_t fixture_backward(rnnsuite_instance* instance, const rnnsuite_backward_args* args) {
  (void)instance, (void)args;
  return RNNSUITE_OK;
}

/* A 1.0 table with the given name and slots. */
#define FIXTURE_TABLE(name, check, create, workspace_sizes, forward, backward)                \
  {RNNSUITE_PLUGIN_ABI_MAJOR, RNNSUITE_PLUGIN_ABI_MINOR, sizeof(rnnsuite_plugin), 0, name,     \
   fixture_get_caps, check, create, workspace_sizes, forward, backward, NULL}

/* The entry every fixture but no_entry exports: it keeps the host and returns `table`. */
#define FIXTURE_ENTRY(table)                                                                   \
  RNNSUITE_PLUGIN_EXPORT const rnnsuite_plugin* rnnsuite_plugin_entry(                        \
      uint32_t host_abi_major, uint32_t host_abi_minor, const rnnsuite_host* host) {           \
    (void)host_abi_major, (void)host_abi_minor;                                                \
    fixture_host = host;                                                                       \
    return &(table);                                                                           \
  }

#endif

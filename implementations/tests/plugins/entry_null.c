/* The entry logs why and returns NULL. */
#include "fixture.h"

RNNSUITE_PLUGIN_EXPORT const rnnsuite_plugin* rnnsuite_plugin_entry(uint32_t host_abi_major,
                                                                   uint32_t host_abi_minor,
                                                                   const rnnsuite_host* host) {
  (void)host_abi_major, (void)host_abi_minor;
  fixture_host = host;
  fixture_log("this fixture needs a CPU with AVX-1024");
  return NULL;
}

# The plugin tests' fixtures (tests/plugins/*.c): tiny plugins in C (which also proves
# rnnsuite/plugin.h is C), each failing at one moment. Included at the end of
# tests/CMakeLists.txt, once rnnsuite_implementations_tests exists: the tests find every plugin
# through a compile definition RNNSUITE_TEST_PLUGIN_<NAME> holding its path.
enable_language(C)
file(GLOB RNNSUITE_PLUGIN_FIXTURES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/tests/plugins/*.c)
set(RNNSUITE_PLUGIN_PATHS "RNNSUITE_TEST_PLUGIN_LIB=\"$<TARGET_FILE:rnnsuite_lib_plugin>\"")
foreach(source IN LISTS RNNSUITE_PLUGIN_FIXTURES)
  get_filename_component(fixture ${source} NAME_WE)
  add_library(rnnsuite_fixture_${fixture} MODULE ${source})
  target_link_libraries(rnnsuite_fixture_${fixture} PRIVATE rnnsuite_plugin_api)
  set_target_properties(rnnsuite_fixture_${fixture} PROPERTIES C_STANDARD 11 C_VISIBILITY_PRESET hidden
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fixture_plugins)
  add_dependencies(rnnsuite_implementations_tests rnnsuite_fixture_${fixture})
  string(TOUPPER ${fixture} upper)
  list(APPEND RNNSUITE_PLUGIN_PATHS
    "RNNSUITE_TEST_PLUGIN_${upper}=\"$<TARGET_FILE:rnnsuite_fixture_${fixture}>\"")
endforeach()
add_dependencies(rnnsuite_implementations_tests rnnsuite_lib_plugin rnnsuite-plugin-runner)
target_compile_definitions(rnnsuite_implementations_tests PRIVATE ${RNNSUITE_PLUGIN_PATHS})

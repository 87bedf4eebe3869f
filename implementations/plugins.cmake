# Plugins through the C ABI (include/rnnsuite/plugin.h, docs/plugins.md): the isolated runner,
# rnnsuite's own library as a plugin, and (plugins_tests.cmake) the tests' fixture plugins.
# Included by implementations/CMakeLists.txt after rnnsuite_implementations exists.

# rnnsuite-plugin-runner: one plugin instance in a child process (src/plugin_isolated.cpp starts
# it). It needs only the loading code, not lib or oneDNN: those few sources are compiled again
# here rather than linking rnnsuite_implementations and its dependencies into every child.
# Installed to <prefix>/libexec/rnnsuite/, where src/plugin_runner_process.cpp looks first
# (beside <prefix>/bin/rnnsuite); a build tree uses the path baked in below.
add_executable(rnnsuite-plugin-runner
  ${CMAKE_CURRENT_SOURCE_DIR}/tools/plugin_runner.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/plugin_library.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/plugin_log.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/plugin_fenv.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/plugin_channel.cpp)
target_include_directories(rnnsuite-plugin-runner PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src
  ${CMAKE_CURRENT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/lib/include)
target_link_libraries(rnnsuite-plugin-runner PRIVATE ${CMAKE_DL_LIBS})
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/src/plugin_runner_process.cpp PROPERTIES
  COMPILE_DEFINITIONS "RNNSUITE_PLUGIN_RUNNER_BUILD_PATH=\"$<TARGET_FILE:rnnsuite-plugin-runner>\"")
add_dependencies(rnnsuite_implementations rnnsuite-plugin-runner)

# rnnsuite's library behind the C ABI (plugins/lib_plugin.cpp). rnnsuite_lib stays a non-PIC
# static library (its benchmark speed must not move); the plugin links a position-independent
# copy of it (cmake/CopyLibrary.cmake), hidden inside the module.
rnnsuite_copy_library(rnnsuite_lib rnnsuite_lib_pic)
get_target_property(rnnsuite_lib_links rnnsuite_lib LINK_LIBRARIES)
target_link_libraries(rnnsuite_lib_pic PUBLIC ${rnnsuite_lib_links})
set_target_properties(rnnsuite_lib_pic PROPERTIES POSITION_INDEPENDENT_CODE ON
  CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
if(RNNSUITE_COVERAGE)
  target_link_options(rnnsuite_lib_pic INTERFACE --coverage)  # the copy's objects call gcov
endif()

# Only the entry is exported, whatever the objects' visibility (libstdc++'s inline templates too).
set(RNNSUITE_PLUGIN_EXPORTS ${CMAKE_CURRENT_BINARY_DIR}/rnnsuite_plugin_exports.map)
file(CONFIGURE OUTPUT ${RNNSUITE_PLUGIN_EXPORTS}
  CONTENT "{\n  global: rnnsuite_plugin_entry;\n  local: *;\n};\n")

add_library(rnnsuite_lib_plugin MODULE ${CMAKE_CURRENT_SOURCE_DIR}/plugins/lib_plugin.cpp)
target_link_libraries(rnnsuite_lib_plugin PRIVATE rnnsuite_lib_pic rnnsuite_plugin_api)
set_target_properties(rnnsuite_lib_plugin PROPERTIES PREFIX "lib" OUTPUT_NAME rnnsuite_lib_plugin
  CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
  LINK_DEPENDS ${RNNSUITE_PLUGIN_EXPORTS})
target_link_options(rnnsuite_lib_plugin PRIVATE "LINKER:--version-script=${RNNSUITE_PLUGIN_EXPORTS}")

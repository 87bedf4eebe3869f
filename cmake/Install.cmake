# `cmake --install`: rnnsuite's headers, library, programs, CMake package and pkg-config files
# (docs/installing.md). Included at the end of the top-level CMakeLists.txt, after every target
# is defined; targets others are still writing are installed only when they exist.
#
# Installed (GNUInstallDirs, paths relative to the prefix):
#   include/rnn/*.hpp                          lib's public API (C++20)
#   include/rnnsuite/plugin.h                  the plugin C ABI (C89-compatible header)
#   <libdir>/librnnsuite.a                     rnnsuite_lib, imported as rnnsuite::lib
#   <libdir>/cmake/rnnsuite/                   rnnsuiteConfig.cmake, version, rnnsuiteTargets
#   <libdir>/pkgconfig/rnnsuite.pc             lib (C++20, static, -pthread)
#   <libdir>/pkgconfig/rnnsuite-plugin-api.pc  the plugin header alone (no library)
#   bin/rnnsuite, bin/rnnsuite-bench           the command line and the benchmark
#   libexec/rnnsuite/rnnsuite-plugin-runner    the isolated plugin host's child program
#   <libdir>/rnnsuite/librnnsuite_lib_plugin.so  rnnsuite's library behind the plugin ABI
#
# The C++ headers of implementations/ and verify/ are not a public API yet and are not installed.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(RNNSUITE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/rnnsuite)

# --- Libraries and their headers --------------------------------------------------------------
# The archive is librnnsuite.a (what `-lrnnsuite` finds); the imported target is rnnsuite::lib,
# the name the build tree's alias already uses.
set_target_properties(rnnsuite_lib PROPERTIES OUTPUT_NAME rnnsuite EXPORT_NAME lib)
install(TARGETS rnnsuite_lib EXPORT rnnsuiteTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/lib/include/rnn
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT development
  FILES_MATCHING PATTERN "*.hpp")
# The plugin ABI: an INTERFACE target carrying the include folder, and its one header.
if(TARGET rnnsuite_plugin_api)
  set_target_properties(rnnsuite_plugin_api PROPERTIES EXPORT_NAME plugin_api)
  install(TARGETS rnnsuite_plugin_api EXPORT rnnsuiteTargets)
  install(FILES ${PROJECT_SOURCE_DIR}/implementations/include/rnnsuite/plugin.h
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/rnnsuite COMPONENT development)
endif()

# --- Programs ---------------------------------------------------------------------------------
# rnnsuite is also exported (rnnsuite::rnnsuite, an imported executable), so a project that finds
# the package can run `rnnsuite verify --impl` on its own plugin from its tests.
if(TARGET rnnsuite)
  install(TARGETS rnnsuite EXPORT rnnsuiteTargets
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
endif()
if(TARGET rnnsuite-bench)
  install(TARGETS rnnsuite-bench RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
endif()
# A helper the plugin host execs, not a command for users: libexec, as the GNU standards say.
if(TARGET rnnsuite-plugin-runner)
  install(TARGETS rnnsuite-plugin-runner
    RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/rnnsuite COMPONENT runtime)
endif()
# A plugin, loaded with dlopen by path: a private library directory, not the linker's search path.
if(TARGET rnnsuite_lib_plugin)
  install(TARGETS rnnsuite_lib_plugin
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/rnnsuite COMPONENT runtime)
endif()

# --- CMake package ----------------------------------------------------------------------------
install(EXPORT rnnsuiteTargets
  NAMESPACE rnnsuite::
  DESTINATION ${RNNSUITE_INSTALL_CMAKEDIR} COMPONENT development)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/rnnsuiteConfig.cmake.in
  ${PROJECT_BINARY_DIR}/rnnsuiteConfig.cmake
  INSTALL_DESTINATION ${RNNSUITE_INSTALL_CMAKEDIR})
# rnnsuite is 0.x: SameMajorVersion lets find_package(rnnsuite 0.1) accept any 0.y with y >= 1.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/rnnsuiteConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/rnnsuiteConfig.cmake
  ${PROJECT_BINARY_DIR}/rnnsuiteConfigVersion.cmake
  DESTINATION ${RNNSUITE_INSTALL_CMAKEDIR} COMPONENT development)

# --- pkg-config -------------------------------------------------------------------------------
# The .pc files locate the prefix from their own folder (${pcfiledir}), so an install moved or made
# with `cmake --install --prefix DIR` still gives the right flags. An absolute libdir or includedir
# (set by the user) is written as it is.
function(rnnsuite_pc_path out_var dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out_var} "${dir}" PARENT_SCOPE)
  else()
    set(${out_var} "\${prefix}/${dir}" PARENT_SCOPE)
  endif()
endfunction()
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(RNNSUITE_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  # From <prefix>/<libdir>/pkgconfig back up to <prefix>: one ".." per path component.
  file(RELATIVE_PATH RNNSUITE_PC_UP "/root/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/root")
  string(REGEX REPLACE "/$" "" RNNSUITE_PC_UP "${RNNSUITE_PC_UP}")
  set(RNNSUITE_PC_PREFIX "\${pcfiledir}/${RNNSUITE_PC_UP}")
endif()
rnnsuite_pc_path(RNNSUITE_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
rnnsuite_pc_path(RNNSUITE_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
foreach(pc IN ITEMS rnnsuite rnnsuite-plugin-api)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT development)
endforeach()

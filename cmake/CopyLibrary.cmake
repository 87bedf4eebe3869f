# rnnsuite_copy_library(<target> <copy>): a second static library built from <target>'s sources
# with their per-source flags (lib's per-arch TUs), include folders, options and definitions, so
# the directory that defines <target> stays the one place listing them. Test-only variants use it
# (verify/mutants: the mutant lib; bench/regress: the planted-slowdown lib); the caller adds the
# variant's own definition and the links. Definitions that select a variant
# (RNNSUITE_MUTATION_TESTING, RNNSUITE_PLANTED_SLOWDOWN) are not copied: a copy differs from its
# original by what its caller adds, nothing else. Source properties are per directory, so the
# per-source flags are re-declared in the caller's directory.
function(rnnsuite_copy_library target copy)
  get_target_property(dir ${target} SOURCE_DIR)
  get_target_property(sources ${target} SOURCES)
  set(copied)
  foreach(source IN LISTS sources)
    if(NOT IS_ABSOLUTE ${source})
      set(source ${dir}/${source})
    endif()
    get_source_file_property(options ${source} DIRECTORY ${dir} COMPILE_OPTIONS)
    if(options)
      set_source_files_properties(${source} PROPERTIES COMPILE_OPTIONS "${options}")
    endif()
    list(APPEND copied ${source})
  endforeach()
  add_library(${copy} STATIC ${copied})
  get_target_property(includes ${target} INCLUDE_DIRECTORIES)
  get_target_property(public_includes ${target} INTERFACE_INCLUDE_DIRECTORIES)
  target_include_directories(${copy} PUBLIC ${public_includes} PRIVATE ${includes})
  get_target_property(options ${target} COMPILE_OPTIONS)
  if(options)
    target_compile_options(${copy} PRIVATE ${options})
  endif()
  get_target_property(definitions ${target} COMPILE_DEFINITIONS)
  if(definitions)
    list(FILTER definitions EXCLUDE REGEX "^RNNSUITE_(MUTATION_TESTING|PLANTED_SLOWDOWN)")
    if(definitions)
      target_compile_definitions(${copy} PRIVATE ${definitions})
    endif()
  endif()
endfunction()

# rnnsuite_relink_library(<target> <copy>): a static library of <target>'s compiled objects
# ($<TARGET_OBJECTS>), not compiled again, with <target>'s include folders and definitions for
# its users; the caller adds the links. For a library whose objects do not depend on the variant
# below it (verify and implementations above the mutant lib: only lib/src reads
# RNNSUITE_MUTATION_TESTING), so a variant costs only lib's compilation.
function(rnnsuite_relink_library target copy)
  add_library(${copy} STATIC $<TARGET_OBJECTS:${target}>)
  set_target_properties(${copy} PROPERTIES LINKER_LANGUAGE CXX)
  get_target_property(public_includes ${target} INTERFACE_INCLUDE_DIRECTORIES)
  if(public_includes)
    target_include_directories(${copy} INTERFACE ${public_includes})
  endif()
  get_target_property(definitions ${target} INTERFACE_COMPILE_DEFINITIONS)
  if(definitions)
    target_compile_definitions(${copy} INTERFACE ${definitions})
  endif()
endfunction()

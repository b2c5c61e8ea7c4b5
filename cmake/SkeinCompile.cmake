# Compiler settings shared by every Skein target.
option(SKEIN_WERROR "Treat warnings as errors" OFF)
option(SKEIN_FUZZ "Build libFuzzer targets (needs clang)" OFF)

# A fuzz build (its own build dir, see deploy/test.sh) instruments *all* code it compiles, so
# libFuzzer gets coverage feedback from the libraries under test, not just from the entry
# points; undefined behaviour aborts, so the fuzzer reports it as a crash.
set(SKEIN_FUZZ_ENABLED OFF)
if(SKEIN_FUZZ)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    set(SKEIN_FUZZ_ENABLED ON)
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                        -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
    # `ninja fuzzers` builds every fuzz target and only the libraries they need.
    add_custom_target(fuzzers)
  else()
    message(STATUS "SKEIN_FUZZ is ON but ${CMAKE_CXX_COMPILER_ID} is not clang: no fuzz targets")
  endif()
endif()

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

# skein_target_options(<target>): warnings for code we own (never for generated code).
function(skein_target_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(SKEIN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# skein_library(<name> SOURCES ... DEPS ...): a module library `skein_<name>` aliased
# `skein::<name>`, with public headers under <module>/include.
function(skein_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(skein_${name} STATIC ${ARG_SOURCES})
  add_library(skein::${name} ALIAS skein_${name})
  target_include_directories(skein_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                            PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(skein_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  skein_target_options(skein_${name})
endfunction()

# skein_binary(<name> SOURCES ... DEPS ...): an executable in build/bin.
function(skein_binary name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  skein_target_options(${name})
endfunction()

# skein_test(<name> LABEL unit|integration SOURCES ... DEPS ... [PROPERTIES ...]):
# a gtest binary registered with ctest under the label.
function(skein_test name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;DEPS;FIXTURES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  skein_target_options(${name})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABEL}" TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "SKEIN_SOURCE_DIR=${PROJECT_SOURCE_DIR};SKEIN_BIN_DIR=${CMAKE_BINARY_DIR}/bin;SKEIN_TEST_DIR=${CMAKE_BINARY_DIR}/test-data")
  if(ARG_FIXTURES)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${ARG_FIXTURES}")
  endif()
endfunction()

# skein_fuzzer(<name> SOURCES ... DEPS ...): a libFuzzer binary in <build>/fuzz, part of the
# `fuzzers` target. Does nothing unless the build is a fuzz build (SKEIN_FUZZ=ON under clang).
function(skein_fuzzer name)
  if(NOT SKEIN_FUZZ_ENABLED)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  skein_target_options(${name})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  add_dependencies(fuzzers ${name})
endfunction()

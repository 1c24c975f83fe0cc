# Asio and Beast are compiled once, in pingyi_asio, and every other target
# links it (separate compilation). Targets that run coroutines or Beast code
# call pingyi_use_asio() to share pingyi_asio's precompiled header: one
# header per build tree, since each copy is a quarter of a gigabyte.

add_library(pingyi_asio STATIC ${CMAKE_CURRENT_LIST_DIR}/asio_impl.cpp)
target_compile_definitions(pingyi_asio PUBLIC
  BOOST_ASIO_SEPARATE_COMPILATION
  BOOST_BEAST_SEPARATE_COMPILATION
  BOOST_ASIO_NO_DEPRECATED
  BOOST_BEAST_USE_STD_STRING_VIEW
  # hiredis's pkg-config sets it for its users; the shared header must see
  # the same macros as every target that reuses it.
  _FILE_OFFSET_BITS=64)
target_link_libraries(pingyi_asio PUBLIC Boost::headers OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
target_precompile_headers(pingyi_asio PRIVATE ${CMAKE_CURRENT_LIST_DIR}/asio_pch.hpp)

function(pingyi_use_asio target)
  target_link_libraries(${target} PUBLIC pingyi_asio)
  target_precompile_headers(${target} REUSE_FROM pingyi_asio)
endfunction()

# A plain library of one folder: pingyi_library(NAME SOURCES...)
function(pingyi_library name)
  add_library(${name} STATIC ${ARGN})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
endfunction()

# Warnings are applied per target so that third-party headers stay quiet.
function(rafter_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local)
  if(RAFTER_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

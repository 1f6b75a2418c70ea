# Install rules: headers under include/rafter (keeping core/ traces/ ... so that the same
# `#include "traces/trace.h"` works in and out of the tree), static libraries, the rafter
# executable, the CMake package (rafter::rafter) and a pkg-config file.
include(CMakePackageConfigHelpers)

# Libraries in link order (dependents first) for pkg-config.
set(RAFTER_INSTALL_LIBS rafter_plots rafter_analysis rafter_profiler rafter_model rafter_traces rafter_core)
if(TARGET rafter_report)
  list(PREPEND RAFTER_INSTALL_LIBS rafter_report)
endif()
if(TARGET rafter_ceilings)
  list(PREPEND RAFTER_INSTALL_LIBS rafter_ceilings)  # needs rafter_model and rafter_core after it
endif()

install(TARGETS ${RAFTER_INSTALL_LIBS} rafter rafter_libdeflate
        EXPORT rafterTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/rafter)
foreach(dir core traces model analysis plots profiler report)
  if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/${dir})
    install(DIRECTORY ${dir} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/rafter
            FILES_MATCHING PATTERN "*.h")
  endif()
endforeach()

install(EXPORT rafterTargets NAMESPACE rafter:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rafter)
configure_package_config_file(cmake/rafterConfig.cmake.in
  ${PROJECT_BINARY_DIR}/rafterConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rafter)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/rafterConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/rafterConfig.cmake ${PROJECT_BINARY_DIR}/rafterConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rafter)

set(RAFTER_PC_LIBS "")
foreach(lib ${RAFTER_INSTALL_LIBS})
  string(APPEND RAFTER_PC_LIBS " -l${lib}")
endforeach()
configure_file(cmake/rafter.pc.in ${PROJECT_BINARY_DIR}/rafter.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/rafter.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

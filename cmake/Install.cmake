# SPDX-License-Identifier: Apache-2.0
# What "cmake --install" and the .deb put on a kiosk besides the program (the lead's
# CMakeLists.txt installs bin/portier and share/portier): systemd units, sysusers.d and
# tmpfiles.d snippets, the commented default /etc/portier/kiosk.conf, man pages and docs.
# Included from CMakeLists.txt after install(TARGETS portier).
include_guard(GLOBAL)
include(GNUInstallDirs)

# Debian 12 packages put units in /lib/systemd/system (usrmerge makes it /usr/lib too); a
# local install under another prefix keeps everything under that prefix.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(_portier_unit_dir_default "/lib/systemd/system")
  set(_portier_sysconf_default "/etc")
else()
  set(_portier_unit_dir_default "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
  set(_portier_sysconf_default "${CMAKE_INSTALL_PREFIX}/etc")
endif()
set(PORTIER_SYSTEMD_UNIT_DIR "${_portier_unit_dir_default}" CACHE PATH "systemd system unit directory")
set(PORTIER_SYSCONF_DIR "${_portier_sysconf_default}" CACHE PATH "where portier/kiosk.conf goes")

install(FILES
  ${CMAKE_SOURCE_DIR}/systemd/portier-kiosk.service
  ${CMAKE_SOURCE_DIR}/systemd/portier-kiosk@.service
  ${CMAKE_SOURCE_DIR}/systemd/portier-sync.service
  ${CMAKE_SOURCE_DIR}/systemd/portier-dashboard.service
  DESTINATION ${PORTIER_SYSTEMD_UNIT_DIR})
# The Debian source package (debian/rules sets PORTIER_DEBHELPER) leaves the user, the state
# directories, the completion, the copyright and the changelog to debhelper, which also writes
# the maintainer scripts that apply them.
option(PORTIER_DEBHELPER "debhelper installs sysusers, tmpfiles, completion and docs" OFF)
if(NOT PORTIER_DEBHELPER)
  install(FILES ${CMAKE_SOURCE_DIR}/systemd/portier.sysusers
    DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/sysusers.d RENAME portier.conf)
  install(FILES ${CMAKE_SOURCE_DIR}/systemd/portier.tmpfiles
    DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/tmpfiles.d RENAME portier.conf)
endif()
install(FILES ${CMAKE_SOURCE_DIR}/systemd/kiosk.conf DESTINATION ${PORTIER_SYSCONF_DIR}/portier)
install(FILES ${CMAKE_SOURCE_DIR}/systemd/sync.env ${CMAKE_SOURCE_DIR}/systemd/dashboard.env
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# The man pages and the bash completion are generated at build time by the program itself
# ("portier _doc", src/cmd/cmd_doc.c) from the option tables that print --help, with the prose
# of man/ (a cross build runs it under CMAKE_CROSSCOMPILING_EMULATOR). Man pages and the
# changelog (a native package's) are compressed the way Debian wants them (gzip -9n: no name,
# no time stamp, so the package is reproducible).
find_program(PORTIER_GZIP gzip REQUIRED)
set(PORTIER_MAN_DIR ${CMAKE_BINARY_DIR}/man)
set(PORTIER_COMPLETION ${CMAKE_BINARY_DIR}/portier.bash-completion)
file(GLOB _portier_man_sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/man/*)
add_custom_command(OUTPUT ${PORTIER_MAN_DIR}/stamp ${PORTIER_COMPLETION}
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${PORTIER_MAN_DIR}
  COMMAND portier _doc man ${PORTIER_MAN_DIR} ${CMAKE_SOURCE_DIR}/man
  COMMAND portier _doc bash-completion > ${PORTIER_COMPLETION}
  COMMAND sh -c "for f in \"$1\"/man*/*; do ${PORTIER_GZIP} -9n -c \"$f\" > \"$f.gz\" || exit 1; done" sh
          ${PORTIER_MAN_DIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${PORTIER_MAN_DIR}/stamp
  DEPENDS portier ${_portier_man_sources}
  COMMENT "Writing the man pages and the bash completion (portier _doc)"
  VERBATIM)
set(_portier_gz_dir ${CMAKE_BINARY_DIR}/gz)
add_custom_command(OUTPUT ${_portier_gz_dir}/changelog.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_portier_gz_dir}
  COMMAND ${PORTIER_GZIP} -9n -c ${CMAKE_SOURCE_DIR}/debian/changelog > ${_portier_gz_dir}/changelog.gz
  DEPENDS ${CMAKE_SOURCE_DIR}/debian/changelog VERBATIM)
add_custom_target(portier_compressed_docs ALL
  DEPENDS ${PORTIER_MAN_DIR}/stamp ${PORTIER_COMPLETION} ${_portier_gz_dir}/changelog.gz)
install(DIRECTORY ${PORTIER_MAN_DIR}/ DESTINATION ${CMAKE_INSTALL_MANDIR}
  FILES_MATCHING PATTERN "*.gz")
if(NOT PORTIER_DEBHELPER)
  install(FILES ${PORTIER_COMPLETION}
    DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME portier)
  install(FILES ${_portier_gz_dir}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR}
    RENAME changelog.gz)
  install(FILES ${CMAKE_SOURCE_DIR}/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()

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
install(FILES ${CMAKE_SOURCE_DIR}/systemd/portier.sysusers
  DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/sysusers.d RENAME portier.conf)
install(FILES ${CMAKE_SOURCE_DIR}/systemd/portier.tmpfiles
  DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/tmpfiles.d RENAME portier.conf)
install(FILES ${CMAKE_SOURCE_DIR}/systemd/kiosk.conf DESTINATION ${PORTIER_SYSCONF_DIR}/portier)
install(FILES ${CMAKE_SOURCE_DIR}/systemd/sync.env ${CMAKE_SOURCE_DIR}/systemd/dashboard.env
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# Man pages and the changelog (a native package's), compressed the way Debian wants them (gzip -9n: no name,
# no time stamp, so the package is reproducible).
find_program(PORTIER_GZIP gzip REQUIRED)
set(_portier_gz_dir ${CMAKE_BINARY_DIR}/gz)
set(_portier_gz_outputs)
foreach(src man/portier.1 man/portier-kiosk.conf.5 cmake/debian/changelog)
  get_filename_component(_name ${src} NAME)
  set(_out ${_portier_gz_dir}/${_name}.gz)
  add_custom_command(OUTPUT ${_out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_portier_gz_dir}
    COMMAND ${PORTIER_GZIP} -9n -c ${CMAKE_SOURCE_DIR}/${src} > ${_out}
    DEPENDS ${CMAKE_SOURCE_DIR}/${src} VERBATIM)
  list(APPEND _portier_gz_outputs ${_out})
endforeach()
add_custom_target(portier_compressed_docs ALL DEPENDS ${_portier_gz_outputs})
install(FILES ${_portier_gz_dir}/portier.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${_portier_gz_dir}/portier-kiosk.conf.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${_portier_gz_dir}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR}
  RENAME changelog.gz)
install(FILES ${CMAKE_SOURCE_DIR}/cmake/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})

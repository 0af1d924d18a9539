# SPDX-License-Identifier: Apache-2.0
# The Debian package: portier_<version>_<arch>.deb with the program, the systemd units, the
# sysusers.d/tmpfiles.d snippets, the commented default /etc/portier/kiosk.conf and the man
# pages (cmake/Install.cmake). Configure with -DCMAKE_INSTALL_PREFIX=/usr, build, then "cpack"
# in the build directory (scripts/package does all of it). Cross builds get the architecture
# from the toolchain file.
include_guard(GLOBAL)
include(${CMAKE_CURRENT_LIST_DIR}/Install.cmake)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME portier)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Portier maintainers <portier@example.org>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "check-in kiosk appliance for events")
# CPack writes the summary as the synopsis and this as the long description.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Portier runs the doors of an event: attendees scan the QR code on their
badge at a kiosk (a Raspberry Pi with a screen and a camera) and get an
answer at once, offline if need be. Break-out room doors count who is
inside and refuse entry when the room is full. Kiosks share their scans
through a central PostgreSQL database. This package holds the portier
program, the systemd units of the kiosk and its sync daemon, and the
portier user.")
# portier_0.1.0_amd64.deb
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.org/portier")
if(NOT CPACK_DEBIAN_PACKAGE_ARCHITECTURE)
  execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE CPACK_DEBIAN_PACKAGE_ARCHITECTURE
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()

# Library dependencies: dpkg-shlibdeps reads them off the binary in a native build. A cross build
# cannot run it against a sysroot, so it uses this list, which the native build checks
# (tests/integration/test_package.sh): the same Debian release has the same shlibs on every
# architecture.
set(PORTIER_DEB_SHLIB_DEPENDS
  "libc6 (>= 2.34), libcairo2 (>= 1.15.8), libcups2 (>= 1.7.0), libfontconfig1 (>= 2.12.6), libfreetype6 (>= 2.2.1), libglib2.0-0 (>= 2.12.0), libmicrohttpd12 (>= 0.9.50), libpango-1.0-0 (>= 1.44.3), libpangocairo-1.0-0 (>= 1.22.0), libpangoft2-1.0-0 (>= 1.37.2), libpq5 (>= 10~~), libqrencode4 (>= 3.2.0), libsdl2-2.0-0 (>= 2.0.18), libsdl2-ttf-2.0-0 (>= 2.20.0), libsodium23 (>= 1.0.14), libsqlite3-0 (>= 3.20.0), libturbojpeg0 (>= 1:2.0.2), libxlsxwriter4 (>= 1.1.4), libzbar0 (>= 0.10)")
set(_portier_other_depends "systemd (>= 247), fonts-dejavu-core, tzdata")
if(CMAKE_CROSSCOMPILING)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${PORTIER_DEB_SHLIB_DEPENDS}, ${_portier_other_depends}")
else()
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${_portier_other_depends}")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-noto-core")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libcamera-v4l2, postgresql-client, cups")

set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${CMAKE_CURRENT_LIST_DIR}/debian/conffiles
  ${CMAKE_CURRENT_LIST_DIR}/debian/postinst
  ${CMAKE_CURRENT_LIST_DIR}/debian/prerm
  ${CMAKE_CURRENT_LIST_DIR}/debian/postrm)

include(CPack)

# SPDX-License-Identifier: Apache-2.0
# Cross-compiling Portier for arm64 (Raspberry Pi 4/5, Debian 12 / Raspberry Pi OS) with Debian's
# cross compiler (crossbuild-essential-arm64):
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-arm64.cmake \
#         [-DPORTIER_SYSROOT=/path/to/arm64/root]
# The arm64 libraries come either from a sysroot (a directory holding an arm64 Debian's /usr,
# made by scripts/cross-arm64) or, without PORTIER_SYSROOT, from the :arm64 -dev packages
# installed on this host by multiarch (dpkg --add-architecture arm64).
# Tests run under qemu-user (CMAKE_CROSSCOMPILING_EMULATOR), so "ctest -L unit" works.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(PORTIER_TRIPLET aarch64-linux-gnu)

set(CMAKE_C_COMPILER ${PORTIER_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${PORTIER_TRIPLET}-g++)

set(PORTIER_SYSROOT "$ENV{PORTIER_SYSROOT}" CACHE PATH "arm64 root to build against (empty: multiarch)")
# try_compile projects see only the variables named here.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PORTIER_SYSROOT)

find_program(PORTIER_QEMU NAMES qemu-aarch64-static qemu-aarch64)
if(PORTIER_SYSROOT)
  set(CMAKE_SYSROOT ${PORTIER_SYSROOT})
  set(CMAKE_FIND_ROOT_PATH ${PORTIER_SYSROOT})
  set(ENV{PKG_CONFIG_SYSROOT_DIR} ${PORTIER_SYSROOT})
  set(ENV{PKG_CONFIG_LIBDIR}
      "${PORTIER_SYSROOT}/usr/lib/${PORTIER_TRIPLET}/pkgconfig:${PORTIER_SYSROOT}/usr/share/pkgconfig")
  set(_portier_qemu_prefix ${PORTIER_SYSROOT})
  # The sysroot's libc before the cross compiler's own (/usr/aarch64-linux-gnu/lib, Debian 12's
  # glibc): a Debian 13 sysroot's libraries need glibc 2.38 symbols (__isoc23_strtol...).
  set(_portier_sysroot_libs
      "-L${PORTIER_SYSROOT}/usr/lib/${PORTIER_TRIPLET} -L${PORTIER_SYSROOT}/lib/${PORTIER_TRIPLET}")
  set(CMAKE_EXE_LINKER_FLAGS_INIT ${_portier_sysroot_libs})
  set(CMAKE_SHARED_LINKER_FLAGS_INIT ${_portier_sysroot_libs})
else()
  set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${PORTIER_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
  set(_portier_qemu_prefix /)
endif()
set(ENV{PKG_CONFIG_PATH} "")
if(PORTIER_QEMU)
  # -L: where qemu finds the arm64 dynamic loader and libraries.
  set(CMAKE_CROSSCOMPILING_EMULATOR ${PORTIER_QEMU} -L ${_portier_qemu_prefix})
endif()

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# The .deb's architecture (cmake/Packaging.cmake).
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)

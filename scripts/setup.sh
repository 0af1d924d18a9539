# SPDX-License-Identifier: Apache-2.0
# Sourced by the quick-start scripts: installs what is missing (Debian 12 / Raspberry Pi OS),
# then configures and builds Portier into $PORTIER_BUILD (default: build/).
# Set PORTIER_CMAKE_ARGS for extra configure options (e.g. -DPORTIER_SANITIZE=ON).

PORTIER_DEB_PACKAGES=(
    build-essential cmake pkg-config git
    libzbar-dev libqrencode-dev libsdl2-dev libsdl2-ttf-dev libsqlite3-dev libpq-dev libsodium-dev
    libcairo2-dev libpango1.0-dev libturbojpeg0-dev libxlsxwriter-dev libmicrohttpd-dev libcups2-dev
    libfontconfig-dev libfreetype-dev
    # Build-Depends of the source package (Debian 13's xlsxwriter.pc requires minizip, libcrypto)
    libminizip-dev libssl-dev
    fonts-dejavu-core fonts-noto-core tzdata
    postgresql sqlite3 zbar-tools valgrind openssl
    # the connection pooler the sync tests run behind (tests only: docs/scale.md)
    pgbouncer
    # a real CUPS scheduler for the badge printing tests; pdftoppm/pdftotext read the printed
    # badges and the certificates
    cups poppler-utils
    # tests' and benchmarks' frames and anchor decoder, from tools independent of Portier
    python3-segno python3-qrcode python3-numpy python3-opencv python3-pil nodejs
    # report.xlsx read back by an independent reader
    python3-openpyxl
    chromium
    # the Debian source package (debian/), its checks, man pages and completion tests
    debhelper lintian bash-completion groff-base
)

portier_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORTIER_BUILD=${PORTIER_BUILD:-$portier_root/build}

portier_install_packages() {
    local missing=()
    for p in "${PORTIER_DEB_PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    echo "portier: installing missing packages: ${missing[*]}" >&2
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq &&
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
}

portier_build() {
    local werror=ON
    cmake -S "$portier_root" -B "$PORTIER_BUILD" -DPORTIER_WERROR=$werror ${PORTIER_CMAKE_ARGS:-} >/dev/null &&
        cmake --build "$PORTIER_BUILD" -j"$(nproc)"
}

#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to build, test and demo halext.
# Idempotent and quiet when everything is already there. Uses sudo when not root.
set -euo pipefail

PKGS=(
  build-essential pkg-config ca-certificates curl
  time bc
  php-cli php-dev php-fpm php-mysql php-curl php-mbstring php-xml php-zip php-gd
  libclang-dev clang
  mariadb-server mariadb-client
  phpunit
  chromium chromium-driver
  wordpress wordpress-theme-twentytwentythree
)

# Node.js (the e2e suite's playwright-core needs >= 20): Debian's package only when there is
# no node at all (Debian 12 ships 18; scripts/test-e2e.sh says so if the version is too old).
command -v node >/dev/null || PKGS+=(nodejs npm)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Installs what building, testing and the demo need, when it is missing (Debian/Ubuntu).
# Safe to run again: it installs nothing that is already there.
set -euo pipefail

packages=(
  make gcc libc6-dev  # the build tools a fresh Debian lacks (Makefile, linker, -sys crates)
  pkg-config          # -sys crates find their C libraries
  unixodbc unixodbc-dev  # the ODBC driver manager the agent links against (libodbc.so.2)
  libsqliteodbc       # SQLite3 ODBC driver: the test and demo ERP databases
  odbc-postgresql     # psqlODBC: connector tests against PostgreSQL
  postgresql          # the cloud's production store; tests run on it too
  python3-aiosmtpd    # a real SMTP server for e-mail tests and the demo
  poppler-utils       # pdftotext: PDF letters are checked by extracting the text back
  openssl             # a throw-away CA and certificate for the STARTTLS e-mail tests
  fonts-dejavu-core   # the font family embedded in PDF letters (the copy in the repo is used)
  sqlite3             # to open the agent's and cloud's state when supporting a customer
  python3-venv        # a private virtualenv for Schemathesis (scripts/api-fuzz.sh)
  curl                # scripts seed and probe the cloud over HTTP
  systemd             # systemd-analyze checks the agent's service unit (no systemd needs to run)
  debootstrap         # a throw-away Debian root where the agent's .deb is installed, upgraded, purged
  systemd-container   # systemd-nspawn boots that root, so the service is started and stopped by a real systemd
  gcc-mingw-w64-x86-64  # C for Windows: make lint checks the agent's Windows code (ring, aws-lc build C)
  chromium chromium-driver  # the portal's browser tests (headless, over WebDriver); never a downloaded browser
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "==> Installing: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "error: Rust is not installed. Install it with rustup (https://rustup.rs), then run this again." >&2
  exit 1
fi
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    echo "==> Adding the Rust component $component"
    rustup component add "$component"
  fi
done

if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
  echo "==> Adding the Rust target x86_64-pc-windows-gnu (make lint checks the Windows code)"
  rustup target add x86_64-pc-windows-gnu
fi

# axe-core, the accessibility checker the browser tests run inside each page: one pinned copy
# from the npm registry, checked against its published sha512 (no Node toolchain needed).
axe_version=4.14.1
axe_sha512=FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
axe_dir="${XDG_CACHE_HOME:-$HOME/.cache}/inkaso/axe-core-$axe_version"
if [ ! -s "$axe_dir/axe.min.js" ]; then
  echo "==> Fetching axe-core $axe_version (accessibility checks in the browser tests)"
  tmp=$(mktemp -d)
  curl -fsSL "https://registry.npmjs.org/axe-core/-/axe-core-$axe_version.tgz" -o "$tmp/axe.tgz"
  got=$(openssl dgst -sha512 -binary "$tmp/axe.tgz" | openssl base64 -A)
  if [ "$got" != "$axe_sha512" ]; then
    echo "error: axe-core $axe_version does not match its published checksum" >&2
    rm -rf "$tmp"; exit 1
  fi
  tar -xzf "$tmp/axe.tgz" -C "$tmp" package/axe.min.js package/LICENSE
  mkdir -p "$axe_dir"
  mv "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$axe_dir/"
  rm -rf "$tmp"
fi

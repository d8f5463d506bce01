#!/bin/sh
# Installs kforge: the prebuilt release binary for this OS and architecture when the ref is a
# released version tag (vMAJOR.MINOR.PATCH[-PRE]), its SHA256 checked against the release's
# checksum file; otherwise, or when that release has no asset for this platform, `cargo install`
# of the same ref. Used by action.yml; works anywhere with a POSIX sh.
#
#   install-kforge.sh --ref v0.2.0 --root ~/.kforge    # installs ~/.kforge/bin/kforge
#
# Options (each also read from the environment variable named after it):
#   --ref REF         KFORGE_REF       tag, branch or commit of kforge (required)
#   --root DIR        KFORGE_ROOT      install root; the binary goes to DIR/bin (default ~/.kforge)
#   --repo OWNER/NAME KFORGE_REPO      GitHub repository (default kforge-dev/kforge)
#   --base-url URL    KFORGE_BASE_URL  where release assets are: URL/REF/ASSET. Default
#                                      https://github.com/REPO/releases/download. A file:// URL
#                                      or a local directory works too (tests use that).
#   --os OS           KFORGE_OS        override `uname -s` (Linux, Darwin, Windows)
#   --arch ARCH       KFORGE_ARCH      override `uname -m` (x86_64, aarch64, arm64)
#   --no-fallback     KFORGE_NO_FALLBACK=1   fail instead of building from source
#   KFORGE_CARGO      the cargo program for the fallback (default cargo)
#
# Release assets (as the release workflow names them): kforge-TARGET.tar.gz (kforge-TARGET.zip
# on Windows), holding kforge-TARGET/kforge[.exe], and kforge-TARGET.tar.gz.sha256 beside it.
# Exit codes: 0 installed, 1 failed (checksum mismatch, download or build error), 2 bad usage.
set -eu

ref=${KFORGE_REF:-}
root=${KFORGE_ROOT:-${HOME:-.}/.kforge}
repo=${KFORGE_REPO:-kforge-dev/kforge}
base_url=${KFORGE_BASE_URL:-}
os=${KFORGE_OS:-}
arch=${KFORGE_ARCH:-}
fallback=yes
[ "${KFORGE_NO_FALLBACK:-}" = 1 ] && fallback=no
cargo=${KFORGE_CARGO:-cargo}

say() { printf 'install-kforge: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
usage() { say "$*"; say "usage: install-kforge.sh --ref REF [--root DIR] [--repo OWNER/NAME] [--base-url URL] [--os OS] [--arch ARCH] [--no-fallback]"; exit 2; }

while [ $# -gt 0 ]; do
  case $1 in
    --ref) [ $# -ge 2 ] || usage "--ref needs a value"; ref=$2; shift 2 ;;
    --root) [ $# -ge 2 ] || usage "--root needs a value"; root=$2; shift 2 ;;
    --repo) [ $# -ge 2 ] || usage "--repo needs a value"; repo=$2; shift 2 ;;
    --base-url) [ $# -ge 2 ] || usage "--base-url needs a value"; base_url=$2; shift 2 ;;
    --os) [ $# -ge 2 ] || usage "--os needs a value"; os=$2; shift 2 ;;
    --arch) [ $# -ge 2 ] || usage "--arch needs a value"; arch=$2; shift 2 ;;
    --no-fallback) fallback=no; shift ;;
    *) usage "unknown argument: $1" ;;
  esac
done
[ -n "$ref" ] || usage "no ref given (--ref or KFORGE_REF)"
[ -n "$base_url" ] || base_url="https://github.com/$repo/releases/download"
[ -n "$os" ] || os=$(uname -s)
[ -n "$arch" ] || arch=$(uname -m)
bin_dir="$root/bin"

# The Rust target triple of the release build for this platform; empty when there is none.
target=
case $os in
  Linux | linux)
    case $arch in
      x86_64 | amd64) target=x86_64-unknown-linux-musl ;;
      aarch64 | arm64) target=aarch64-unknown-linux-musl ;;
    esac ;;
  Darwin | darwin | macOS)
    case $arch in
      x86_64 | amd64) target=x86_64-apple-darwin ;;
      aarch64 | arm64) target=aarch64-apple-darwin ;;
    esac ;;
  Windows* | windows | MINGW* | MSYS* | CYGWIN*)
    case $arch in
      x86_64 | amd64 | X64) target=x86_64-pc-windows-msvc ;;
    esac ;;
esac
exe=
case $target in *windows*) exe=.exe ;; esac

# Builds the same ref from source: the last resort, it needs a Rust toolchain.
build_from_source() {
  [ "$fallback" = yes ] || die "$1, and building from source is disabled (--no-fallback)"
  say "$1: building kforge $ref from source with cargo install (needs a Rust toolchain)"
  command -v "$cargo" >/dev/null 2>&1 || die "$1, and $cargo is not installed to build it from source"
  case $ref in
    v[0-9]*) "$cargo" install --locked --root "$root" --git "https://github.com/$repo" --tag "$ref" kforge ;;
    *) "$cargo" install --locked --root "$root" --git "https://github.com/$repo" --rev "$ref" kforge ;;
  esac || die "cargo install of kforge $ref failed"
  say "installed $bin_dir/kforge$exe (built from source)"
  exit 0
}

# Copies URL (http(s)://, file:// or a local path) to FILE; fails quietly when it is missing.
fetch() {
  case $1 in
    http://* | https://* | file://*)
      if command -v curl >/dev/null 2>&1; then
        curl -fsSL --retry 3 -o "$2" "$1" 2>/dev/null
      else
        case $1 in file://*) cp "${1#file://}" "$2" 2>/dev/null ;; *) wget -q -O "$2" "$1" ;; esac
      fi ;;
    *) cp "$1" "$2" 2>/dev/null ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    die "neither sha256sum nor shasum is installed: cannot verify the download"
  fi
}

case $ref in
  v[0-9]*.[0-9]*.[0-9]*) ;;
  *) build_from_source "$ref is not a release tag (vMAJOR.MINOR.PATCH): no prebuilt binary" ;;
esac
[ -n "$target" ] || build_from_source "no prebuilt kforge for $os/$arch"

case $target in
  *windows*) archive="kforge-$target.zip" ;;
  *) archive="kforge-$target.tar.gz" ;;
esac
url="$base_url/$ref/$archive"
tmp=$(mktemp -d 2>/dev/null || mktemp -d -t kforge)
trap 'rm -rf "$tmp"' EXIT INT TERM

say "downloading $url"
fetch "$url" "$tmp/$archive" || build_from_source "release $ref has no $archive"
fetch "$url.sha256" "$tmp/$archive.sha256" \
  || die "release $ref has $archive but no $archive.sha256: refusing to install an unverified binary"

expected=$(cut -d' ' -f1 <"$tmp/$archive.sha256" | tr -d '\r\n' | tr 'A-F' 'a-f')
actual=$(sha256_of "$tmp/$archive")
if [ "$expected" != "$actual" ]; then
  die "checksum mismatch for $archive: expected $expected (from $archive.sha256), got $actual; not installing"
fi
say "sha256 ok: $actual"

mkdir -p "$tmp/x"
case $archive in
  *.zip)
    if command -v unzip >/dev/null 2>&1; then
      unzip -q "$tmp/$archive" -d "$tmp/x"
    else
      tar -xf "$tmp/$archive" -C "$tmp/x"
    fi ;;
  *) tar -xzf "$tmp/$archive" -C "$tmp/x" ;;
esac || die "cannot unpack $archive"
found="$tmp/x/kforge-$target/kforge$exe"
[ -f "$found" ] || die "$archive does not contain kforge-$target/kforge$exe"
mkdir -p "$bin_dir"
cp "$found" "$bin_dir/kforge$exe.tmp"
chmod 755 "$bin_dir/kforge$exe.tmp"
mv -f "$bin_dir/kforge$exe.tmp" "$bin_dir/kforge$exe"
say "installed $bin_dir/kforge$exe ($ref, $target)"

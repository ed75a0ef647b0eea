#!/usr/bin/env bash
# Fetch the web view's vendored browser libraries again from npm, at pinned versions, and check every file
# against the sha256 written here: Leaflet (the map, handlers/web/static/vendor/leaflet/) and axe-core (the
# browser tests' accessibility check, handlers/web/static/vendor/axe/; no page loads it). The files are kept in
# the repository, so nothing is fetched at run time and no page uses a CDN; run this only to check them or to
# move to another version (then update the versions and the sums below, and say so in the commit).
#
#   scripts/vendor-web-assets.sh          fetch, check and copy into place
#   scripts/vendor-web-assets.sh --check  only check the files in the repository against the sums
set -euo pipefail

LEAFLET_VERSION=1.9.4
AXE_VERSION=4.14.1

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENDOR="$ROOT/handlers/web/static/vendor"

# destination (under $VENDOR) | file in the npm package | sha256
FILES=(
  "leaflet/leaflet.js|leaflet|package/dist/leaflet.js|db49d009c841f5ca34a888c96511ae936fd9f5533e90d8b2c4d57596f4e5641a"
  "leaflet/leaflet.css|leaflet|package/dist/leaflet.css|a7837102824184820dfa198d1ebcd109ff6d0ff9a2672a074b9a1b4d147d04c6"
  "leaflet/images/layers-2x.png|leaflet|package/dist/images/layers-2x.png|066daca850d8ffbef007af00b06eac0015728dee279c51f3cb6c716df7c42edf"
  "leaflet/images/layers.png|leaflet|package/dist/images/layers.png|1dbbe9d028e292f36fcba8f8b3a28d5e8932754fc2215b9ac69e4cdecf5107c6"
  "leaflet/images/marker-icon-2x.png|leaflet|package/dist/images/marker-icon-2x.png|00179c4c1ee830d3a108412ae0d294f55776cfeb085c60129a39aa6fc4ae2528"
  "leaflet/images/marker-icon.png|leaflet|package/dist/images/marker-icon.png|574c3a5cca85f4114085b6841596d62f00d7c892c7b03f28cbfa301deb1dc437"
  "leaflet/images/marker-shadow.png|leaflet|package/dist/images/marker-shadow.png|264f5c640339f042dd729062cfc04c17f8ea0f29882b538e3848ed8f10edb4da"
  "leaflet/LICENSE|leaflet|package/LICENSE|53e8dc25862014e4324741ca18fbe3611e11d42ef69f59f86ea8c5389647d4cb"
  "axe/axe.min.js|axe-core|package/axe.min.js|29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
  "axe/LICENSE|axe-core|package/LICENSE|af175b9d96ee93c21a036152e1b905b0b95304d4ae8c2c921c7609100ba8df7e"
  "axe/LICENSE-3RD-PARTY.txt|axe-core|package/LICENSE-3RD-PARTY.txt|4f8563870d0fca38bbc3e00b6f670cb7fa9f380ba9f26a7f7d1184a6b18b1653"
)

check() {  # check FILE SHA256
  local got
  got="$(sha256sum "$1" | cut -d' ' -f1)"
  if [ "$got" != "$2" ]; then
    echo "sha256 mismatch: $1: $got, expected $2" >&2
    return 1
  fi
}

if [ "${1:-}" = "--check" ]; then
  for entry in "${FILES[@]}"; do
    IFS='|' read -r dest _ _ sum <<<"$entry"
    check "$VENDOR/$dest" "$sum"
  done
  echo "vendored web assets match their sha256 (leaflet $LEAFLET_VERSION, axe-core $AXE_VERSION)"
  exit 0
fi

command -v npm >/dev/null || { echo "npm is needed to fetch the packages (apt-get install npm)" >&2; exit 1; }
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
for pkg in "leaflet@$LEAFLET_VERSION" "axe-core@$AXE_VERSION"; do
  name="${pkg%@*}"
  mkdir -p "$TMP/$name"
  (cd "$TMP" && npm pack --silent "$pkg" >/dev/null)
  tar xzf "$TMP/$name-${pkg##*@}.tgz" -C "$TMP/$name"
done
# Check everything first, copy only when all of it matches.
for entry in "${FILES[@]}"; do
  IFS='|' read -r _ name src sum <<<"$entry"
  check "$TMP/$name/$src" "$sum"
done
for entry in "${FILES[@]}"; do
  IFS='|' read -r dest name src _ <<<"$entry"
  mkdir -p "$(dirname "$VENDOR/$dest")"
  cp "$TMP/$name/$src" "$VENDOR/$dest"
done
echo "vendored leaflet $LEAFLET_VERSION and axe-core $AXE_VERSION into $VENDOR"

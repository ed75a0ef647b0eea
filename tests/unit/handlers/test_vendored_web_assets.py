"""The web view's vendored browser libraries (Leaflet for the map, axe-core for the browser tests) are the files
scripts/vendor-web-assets.sh pins, each with its licence, and no page loads anything from another site."""

from __future__ import annotations

import hashlib
import re

from tests.support.paths import ROOT

SCRIPT = ROOT / "scripts" / "vendor-web-assets.sh"
VENDOR = ROOT / "handlers" / "web" / "static" / "vendor"
TEMPLATES = ROOT / "handlers" / "web" / "templates"


def pinned() -> dict[str, str]:
    """destination under vendor/ -> sha256, as the script lists them."""
    entries = re.findall(r'^\s*"([^|"]+)\|[^|"]+\|[^|"]+\|([0-9a-f]{64})"$', SCRIPT.read_text(), re.MULTILINE)
    return dict(entries)


def test_every_vendored_file_matches_the_pinned_sha256() -> None:
    files = pinned()
    assert {"leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/LICENSE", "axe/axe.min.js", "axe/LICENSE"} <= set(
        files
    )
    for dest, digest in files.items():
        assert hashlib.sha256((VENDOR / dest).read_bytes()).hexdigest() == digest, dest
    on_disk = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()}
    assert on_disk == set(files), "a vendored file the script does not pin, or one missing"
    assert re.search(r"^LEAFLET_VERSION=1\.9\.\d+$", SCRIPT.read_text(), re.MULTILINE)


def test_no_page_loads_a_script_or_stylesheet_from_elsewhere() -> None:
    for template in TEMPLATES.glob("*.j2"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link)\b[^>]*>", text):
            assert not re.search(r'(src|href)="(https?:)?//', tag), f"{template.name}: {tag}"

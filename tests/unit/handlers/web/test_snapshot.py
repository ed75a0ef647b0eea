"""The static snapshot's HTML stands alone: links into the snapshot and to static files made relative, links
elsewhere left without an href, forms made plain, the JSON data block untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.web import snapshot
from handlers.web.snapshot import BASE, _with_css_references, standalone

PAGES = {"/weeks/2026-W47": "week.html", "/map": "map.html"}

PAGE = f"""<!doctype html>
<html lang="sv"><head>
<link rel="stylesheet" href="{BASE}/static/est.css">
</head><body>
<a class="skip" href="#main">Till innehållet</a>
<nav><ul><li><a href="{BASE}/weeks">Veckor</a></li><li><a href="{BASE}/map">Karta</a></li></ul></nav>
<form class="signout" method="post" action="{BASE}/signout">
  <input type="hidden" name="csrf" value="abc">
  <span class="who">Inloggad som Sara</span>
  <button type="submit">Logga ut</button>
</form>
<main id="main" tabindex="-1">
<p><a href="/weeks/2026-W47#heatmap">Veckan</a> <a href="https://www.openstreetmap.org/copyright">OSM</a></p>
<p>Ett ställe som heter href=&#34;/x&#34;</p>
<button type="button" class="map-show" data-place="1" hidden>Visa på kartan</button>
<script type="application/json" id="map-data">{{"name": "<a href=\\"/weeks\\">", "url": "/static/x.js"}}</script>
</main>
<script src="{BASE}/static/map.js"></script>
</body></html>
"""


@pytest.fixture(autouse=True)
def static(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Static files of the app's kind: a style sheet, a script, a vendored package with images and a licence."""
    root = tmp_path / "static"
    (root / "vendor" / "leaflet" / "images").mkdir(parents=True)
    (root / "est.css").write_text("body { color: #111; }\n", encoding="utf-8")
    (root / "map.js").write_text("// the map\n", encoding="utf-8")
    (root / "vendor" / "leaflet" / "leaflet.css").write_text(
        ".a { background: url(images/layers.png); }\n.b { background: url('data:image/png;base64,AA'); }\n"
        '.c { background: url("images/missing.png"); }\n',
        encoding="utf-8",
    )
    (root / "vendor" / "leaflet" / "images" / "layers.png").write_bytes(b"png")
    (root / "vendor" / "leaflet" / "LICENSE").write_text("BSD-2-Clause\n", encoding="utf-8")
    monkeypatch.setattr(snapshot, "STATIC", root)
    return root


def test_links_into_the_snapshot_become_files_and_the_rest_loses_its_href() -> None:
    page, used = standalone(PAGE, PAGES, note="Ögonblicksbild <nu>")
    assert used == {"est.css", "map.js"}
    assert 'href="static/est.css"' in page and 'src="static/map.js"' in page
    assert '<a href="map.html">Karta</a>' in page
    assert '<a href="week.html#heatmap">Veckan</a>' in page
    assert "<span>Veckor</span>" in page  # a page outside the snapshot: its words stay, as text
    assert 'href="https://www.openstreetmap.org/copyright"' in page and 'href="#main"' in page
    assert BASE not in page and "/signout" not in page


def test_forms_become_plain_blocks_without_their_token_or_submit_button() -> None:
    page, _ = standalone(PAGE, PAGES)
    assert "<form" not in page and 'name="csrf"' not in page and "Logga ut" not in page
    assert '<div class="signout">' in page and "Inloggad som Sara" in page
    assert 'class="map-show"' in page  # a button of the page's script stays


def test_the_data_block_and_escaped_text_are_left_as_they_are() -> None:
    page, _ = standalone(PAGE, PAGES)
    assert '{"name": "<a href=\\"/weeks\\">", "url": "/static/x.js"}' in page
    assert "Ett ställe som heter href=&#34;/x&#34;" in page


def test_the_note_opens_the_main_part_escaped() -> None:
    page, _ = standalone(PAGE, PAGES, note="Ögonblicksbild <nu>")
    assert '<main id="main" tabindex="-1">\n<p class="notice">Ögonblicksbild &lt;nu&gt;</p>' in page


def test_a_style_sheet_brings_what_it_names_and_a_vendored_package_its_licence(static: Path) -> None:
    files = _with_css_references({"est.css", "vendor/leaflet/leaflet.css"})
    assert files == {
        "est.css",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/images/layers.png",
        "vendor/leaflet/LICENSE",
    }


def test_a_static_file_that_is_not_there_stops_the_snapshot() -> None:
    with pytest.raises(snapshot.SnapshotError, match=r"no static file gone\.js"):
        standalone(f'<script src="{BASE}/static/gone.js"></script>', PAGES)

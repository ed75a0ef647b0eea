"""Text on a phone as people read it, line by line where the browser wrapped it (browser.visual_lines): a week
label, a percentage and a factor's name are never cut in the middle."""

from __future__ import annotations

import pytest

from tests.e2e.web import browser as b
from tests.e2e.web.site import WEEK, Site

pytestmark = pytest.mark.slow

SARA = "Sara Samordnare"
#: The narrowest phones in use (iPhone SE) and a folded Galaxy Z Fold's cover screen.
NARROW = (320, 640)
FOLDED = (280, 653)


def test_the_reports_list_on_a_phone_keeps_each_week_and_percentage_on_one_line(browser: b.Signed, site: Site) -> None:
    """It showed "2026-" over "W47" and "(100" over "%)" in a squeezed three-column table; each week is now a card,
    as on the weeks page."""
    from selenium.webdriver.common.by import By

    driver = browser.as_person(site, SARA)
    try:
        for size in (NARROW, b.PHONE):
            b.viewport(driver, size)
            driver.get(site.url("/reports"))
            rows = driver.find_elements(By.CSS_SELECTOR, "table.mine-reports tbody tr")
            assert len(rows) == 8, b.main_text(driver)
            for row in rows:
                week = b.visual_lines(driver, row.find_element(By.CSS_SELECTOR, "th"))
                assert week[0].startswith("2026-W") and len(week[0]) == len(WEEK), (size, week)
                responses = b.visual_lines(driver, row.find_element(By.CSS_SELECTOR, "td"))
                assert responses == ["3 av 3 (100 %)"], (size, responses)
            scroll, inner = b.horizontal_overflow(driver)
            assert scroll <= inner + 1, (size, scroll, inner)
            b.screenshot(driver, f"reports-{size[0]}")
    finally:
        b.viewport(driver, b.DESKTOP)


def test_the_heatmap_on_a_phone_breaks_a_factors_name_between_words(browser: b.Signed, site: Site) -> None:
    """A factor's name wraps between its words. With `overflow-wrap: anywhere` the table squeezed the factors'
    column below the longest word: the demo's three areas showed "droghanterin" over "g" at 390 px, and two areas
    with larger text at 320 px "Skade" over "görels" over "e" (Chromium on Linux has no Swedish hyphenation)."""
    from selenium.webdriver.common.by import By

    driver = browser.as_person(site, SARA)
    try:
        for size, text_size in ((FOLDED, "100%"), (NARROW, "100%"), (b.PHONE, "100%"), (NARROW, "150%")):
            b.viewport(driver, size)
            driver.get(site.url(f"/weeks/{WEEK}"))
            # a phone set to larger text (Android's font size, iOS's larger text) has the room of a narrower one
            driver.execute_script("document.documentElement.style.fontSize = arguments[0];", text_size)
            headers = driver.find_elements(By.CSS_SELECTOR, ".est-heatmap tbody th[scope=row]")
            assert len(headers) >= 10, b.main_text(driver)
            for header in headers:
                lines = b.visual_lines(driver, header)
                words = set(header.get_attribute("textContent").split())
                for line in lines:
                    cut = [w for w in line.split() if w not in words]
                    assert not cut, (size, text_size, lines)
            b.screenshot(driver, f"week-heatmap-{size[0]}-{text_size.rstrip('%')}")
    finally:
        b.viewport(driver, b.DESKTOP)

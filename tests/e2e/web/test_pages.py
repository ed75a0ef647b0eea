"""The pages in Chromium: the map's places drawn by Leaflet and their popups, screenshots at 390×844 and
1366×900 (artefacts/web/, looked at by people; no sideways scrolling on a phone), and axe-core on every page with
no serious or critical violation. No console error about the Content-Security-Policy anywhere."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from bot.text import t
from handlers.web.pages import ROUTES
from tests.e2e.web import browser as b
from tests.e2e.web.site import POSITIONS, WEEK, Site

pytestmark = pytest.mark.slow

SARA, ANNA = "Sara Samordnare", "Anna Andersson"


#: The headings of the pages that say a page is not there or not for you.
REFUSALS = {t("sv", f"web.{key}.title") for key in ("notfound", "forbidden", "error", "badrequest")}


def _signed_in(path: str) -> Callable[[b.Signed, Site], b.Driver]:
    def show(browser: b.Signed, site: Site) -> b.Driver:
        driver = browser.as_person(site, SARA)
        driver.get(site.url(path))
        headings = {h.text for h in driver.find_elements("css selector", "h1")}
        assert not headings & REFUSALS, f"{path}: {headings}"
        return driver

    return show


def _signin(browser: b.Signed, site: Site) -> b.Driver:
    driver = browser.forget()
    driver.delete_all_cookies()
    driver.get(site.url("/signin"))
    return driver


def _confirm(browser: b.Signed, site: Site) -> b.Driver:
    driver = browser.forget()
    driver.delete_all_cookies()
    driver.get(site.link(SARA))
    return driver


def _refused(browser: b.Signed, site: Site) -> b.Driver:
    driver = browser.forget()
    b.visit(driver, site.url("/in/" + "Q" * 43))
    return driver


def _forbidden(browser: b.Signed, site: Site) -> b.Driver:
    driver = browser.as_person(site, ANNA)
    driver.get(site.url("/review"))
    return driver


#: The pages people look at most, as a coordinator sees them, and the sign-in's own pages.
PAGES: dict[str, Callable[[b.Signed, Site], b.Driver]] = {
    "week": _signed_in(f"/weeks/{WEEK}"),
    "map": _signed_in("/map"),
    "weeks": _signed_in("/weeks"),
    "actions": _signed_in("/actions"),
    "signin": _signin,
    "confirm": _confirm,
    "refused": _refused,
    "forbidden": _forbidden,
}
SHOTS = ("week", "map", "weeks", "actions", "confirm", "forbidden")


def wait_for_map(driver: b.Driver) -> list[b.Driver]:
    """The places Leaflet drew (one `.est-place` each), once it has drawn them."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".est-place"))
    places: list[b.Driver] = driver.find_elements(By.CSS_SELECTOR, ".est-place")
    return places


def test_the_map_draws_one_marker_per_place_with_a_level_and_opens_its_popup(browser: b.Signed, site: Site) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.wait import WebDriverWait

    driver = PAGES["map"](browser, site)
    markers = wait_for_map(driver)
    data = json.loads(driver.find_element(By.ID, "map-data").get_attribute("textContent"))
    with_position = [p for p in data["places"] if p.get("lat") is not None and p.get("lon") is not None]
    rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    drawn_rows = [r for r in rows if r.find_elements(By.CSS_SELECTOR, "button.map-show")]
    # Stortorget (narkotika, W46–W47) and Norrskolan (klotter, W40–W41); Resecentrum was never named
    assert len(markers) == len(with_position) == len(drawn_rows) == 2, (len(markers), data["places"])
    assert {p["name"] for p in with_position} == {"Stortorget", "Norrskolan"} <= set(POSITIONS)

    def popup() -> str:
        WebDriverWait(driver, 10).until(
            lambda d: (
                d.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content")
                and d.find_element(By.CSS_SELECTOR, ".leaflet-popup-content").is_displayed()
            )
        )
        # all of it, also what the popup scrolls or the map's edge hides
        text: str = driver.find_element(By.CSS_SELECTOR, ".leaflet-popup-content").get_attribute("textContent")
        return text

    by_name = {m.get_attribute("aria-label").split(",")[0]: m for m in markers}
    by_name["Stortorget"].click()
    shown = popup()
    assert "Stortorget" in shown and "narkotika" in shown.lower(), shown
    driver.find_element(By.CSS_SELECTOR, ".leaflet-popup-close-button").click()
    WebDriverWait(driver, 10).until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content"))
    by_name["Norrskolan"].send_keys(Keys.ENTER)  # a marker is a focusable button: the keyboard opens it too
    shown = popup()
    assert "Norrskolan" in shown and "klotter" in shown.lower(), shown
    assert not b.csp_errors(b.console(driver))


@pytest.mark.parametrize("name", SHOTS)
def test_screenshots_at_phone_and_desktop_width_and_no_sideways_scrolling(
    browser: b.Signed, site: Site, name: str
) -> None:
    from selenium.webdriver.common.by import By

    try:
        for size in (b.PHONE, b.DESKTOP):
            b.viewport(browser.driver, size)
            driver = PAGES[name](browser, site)
            if name == "map":
                wait_for_map(driver)
            assert driver.find_elements(By.CSS_SELECTOR, "main h1"), driver.page_source[:500]
            path = b.screenshot(driver, f"{name}-{size[0]}")
            print(f"screenshot: {path}")
            if size == b.PHONE:
                scroll, inner = b.horizontal_overflow(driver)
                assert scroll <= inner + 1, f"{name} scrolls sideways at 390 px: {scroll} > {inner}"
            assert not b.csp_errors(b.console(driver))
    finally:
        b.viewport(browser.driver, b.DESKTOP)


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_nothing_serious(browser: b.Signed, site: Site, name: str) -> None:
    driver = PAGES[name](browser, site)
    if name == "map":
        wait_for_map(driver)
    entries = b.console(driver)
    violations = b.axe(driver)
    print(f"axe {name}: {len(violations)} violations, axe {driver.execute_script('return axe.version;')}")
    for v in violations:
        print(f"axe {name}: {v['impact']} {v['id']}: {v['help']} — {v['nodes']}")
    assert not b.serious(violations), json.dumps(b.serious(violations), indent=1, ensure_ascii=False)
    entries += b.console(driver)
    assert not b.csp_errors(entries)
    if name not in ("refused", "forbidden"):  # those answer 404 and 403, which the console notes
        assert not b.errors(entries)
    assert not b.cookie_visible_to_scripts(driver)


#: Every other page of the web view as a coordinator sees it; files to download and the map's data aside, and the
#: weekly report's own HTML document (bot/reports), which has a test of its own below.
SHOWN = {"/", "/weeks", "/weeks/{week}", "/map", "/actions"}
NOT_PAGES = (".pdf", ".csv", ".xlsx", ".json", ".html")
OTHERS = [p for p in ROUTES if "GET" in p.methods and p.path not in SHOWN and not p.path.endswith(NOT_PAGES)]
DOCUMENTS = [p for p in ROUTES if "GET" in p.methods and p.path.endswith(".html")]


def _axe_clean(browser: b.Signed, site: Site, path: str) -> None:
    driver = _signed_in(path)(browser, site)
    violations = b.axe(driver)
    for v in violations:
        print(f"axe {path}: {v['impact']} {v['id']}: {v['help']} — {v['nodes']}")
    assert not b.serious(violations), json.dumps(b.serious(violations), indent=1, ensure_ascii=False)
    entries = b.console(driver)
    assert not b.csp_errors(entries) and not b.errors(entries), entries


@pytest.mark.parametrize("path", [b.sample_path(p.path, p.sample) for p in OTHERS])
def test_axe_finds_nothing_serious_on_every_other_page(browser: b.Signed, site: Site, path: str) -> None:
    _axe_clean(browser, site, path)


@pytest.mark.parametrize("path", [b.sample_path(p.path, p.sample) for p in DOCUMENTS])
def test_axe_finds_nothing_serious_in_the_weekly_reports_html(browser: b.Signed, site: Site, path: str) -> None:
    _axe_clean(browser, site, path)

"""Debian's headless Chromium through Selenium and chromedriver (nothing downloaded), and what the browser tests
ask of it: signing in by pressing the button, the session cookie, axe-core, the console, screenshots.

Without chromium a test is skipped on a developer's machine and fails in CI (CI set), where it must run
(scripts/install-print-tools.sh installs chromium and chromium-driver)."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.e2e.web.site import Site
from tests.support.tools import need

ROOT = Path(__file__).resolve().parents[3]
#: Screenshots, kept as test artefacts (gitignored; CI keeps the folder).
ARTEFACTS = ROOT / "artefacts" / "web"
AXE = ROOT / "handlers" / "web" / "static" / "vendor" / "axe" / "axe.min.js"
#: The session cookie's name over plain http (secure_cookies = false); `__Host-est-session` behind TLS.
SESSION_COOKIE = "est-session"
PHONE, DESKTOP = (390, 844), (1366, 900)

Driver = Any  # selenium.webdriver.Chrome (imported lazily: the module loads without selenium's driver lookup)


def start_chromium(profile: Path) -> Driver:
    chromium = need("chromium")
    driver_path = need("chromedriver")
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium look for a driver of its own
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--hide-scrollbars",
        "--lang=sv-SE",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "sv-SE,sv"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_script_timeout(60)
    viewport(driver, DESKTOP)
    return driver


def viewport(driver: Driver, size: tuple[int, int]) -> None:
    width, height = size
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800},
    )


# --------------------------------------------------------------------------- signing in


def press(driver: Driver, selector: str) -> None:
    """Press a button and wait for the page it leads to."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    driver.execute_script("window.estBefore = true;")  # gone once the next page has replaced this one
    driver.find_element(By.CSS_SELECTOR, selector).click()
    WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return window.estBefore === undefined && document.readyState === 'complete';")
    )


def visit(driver: Driver, link: str) -> None:
    """Open a sign-in link in a browser with no cookies of the site (a link that works no more says so here)."""
    driver.delete_all_cookies()
    driver.get(link)


def open_link(driver: Driver, link: str) -> None:
    """Open a sign-in link and press its button, in a browser with no cookies of the site."""
    visit(driver, link)
    press(driver, "main form button[type=submit]")


def signed_in(driver: Driver, link: str) -> None:
    open_link(driver, link)
    assert session_cookie(driver) is not None, main_text(driver)


class Signed:
    """Who the shared browser is signed in as, so a test that needs the same person does not sign in again."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver
        self.who: str | None = None

    def as_person(self, site: Site, name: str) -> Driver:
        if self.who != name or session_cookie(self.driver) is None:
            self.who = None
            signed_in(self.driver, site.link(name))
            self.who = name
        return self.driver

    def forget(self) -> Driver:
        """The browser as a test that signs in, out or with odd links leaves it: nobody known."""
        self.who = None
        return self.driver


def session_cookie(driver: Driver) -> dict[str, Any] | None:
    cookie: dict[str, Any] | None = driver.get_cookie(SESSION_COOKIE)
    return cookie


def cookie_visible_to_scripts(driver: Driver) -> bool:
    seen: str = driver.execute_script("return document.cookie;")
    return SESSION_COOKIE in seen


def heading(driver: Driver) -> str:
    from selenium.webdriver.common.by import By

    text: str = driver.find_element(By.CSS_SELECTOR, "main h1").text
    return text


def main_text(driver: Driver) -> str:
    from selenium.webdriver.common.by import By

    text: str = driver.find_element(By.CSS_SELECTOR, "main").text
    return text


# --------------------------------------------------------------------------- what the browser says


def console(driver: Driver) -> list[dict[str, Any]]:
    """The console's entries since the last call (reading empties it)."""
    entries: list[dict[str, Any]] = driver.get_log("browser")
    return entries


def csp_errors(entries: list[dict[str, Any]]) -> list[str]:
    return [
        str(e.get("message"))
        for e in entries
        if "Content Security Policy" in str(e.get("message")) or "Content-Security-Policy" in str(e.get("message"))
    ]


def errors(entries: list[dict[str, Any]]) -> list[str]:
    """The console's errors (a page answered 403 or 404 on purpose logs one for itself)."""
    return [str(e.get("message")) for e in entries if e.get("level") == "SEVERE"]


_RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']})
  .then(r => done(r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(
      n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(0, 3).join(' / ')),
  }))))
  .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
"""


def axe(driver: Driver) -> list[dict[str, Any]]:
    """axe-core's violations on the page now in the browser (injected by WebDriver: the CSP does not apply)."""
    if not driver.execute_script("return typeof window.axe !== 'undefined';"):
        driver.execute_script(AXE.read_text(encoding="utf-8") + "\n;return true;")
    violations: list[dict[str, Any]] = driver.execute_async_script(_RUN_AXE)
    return violations


def serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v.get("impact") in ("serious", "critical")]


def horizontal_overflow(driver: Driver) -> tuple[int, int]:
    """(scrollWidth of the page, innerWidth): the page scrolls sideways when the first exceeds the second + 1."""
    seen: list[int] = driver.execute_script("return [document.scrollingElement.scrollWidth, window.innerWidth];")
    return seen[0], seen[1]


_VISUAL_LINES = """
const lines = [];
let top = null;
const shown = (node) => node.parentElement.getBoundingClientRect().width > 1;  // not the screen reader's words
const walker = document.createTreeWalker(arguments[0], NodeFilter.SHOW_TEXT,
  {acceptNode: (node) => (shown(node) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT)});
const range = document.createRange();
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  for (let i = 0; i < node.data.length; i++) {
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    const rects = range.getClientRects();
    if (!rects.length || (/\\s/.test(node.data[i]) && rects[rects.length - 1].width === 0)) continue;
    const box = rects[rects.length - 1];
    if (top === null || Math.abs(box.top - top) > box.height / 2) { lines.push(''); top = box.top; }
    lines[lines.length - 1] += node.data[i];
  }
}
return lines.map((line) => line.replace(/\\s+/g, ' ').trim()).filter((line) => line);
"""


def visual_lines(driver: Driver, element: Driver) -> list[str]:
    """The text of `element` as the lines it is laid out in now (where the browser wrapped it), as people read it."""
    lines: list[str] = driver.execute_script(_VISUAL_LINES, element)
    return lines


def screenshot(driver: Driver, name: str) -> Path:
    """The whole page as laid out now, as artefacts/web/<name>.png."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    width = driver.execute_script("return window.innerWidth;")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(size["height"], 8000), "scale": 1},
        },
    )
    path = ARTEFACTS / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def sample_path(path: str, sample: Mapping[str, str]) -> str:
    """A route's path with its sample parameters ("/weeks/{week}" -> "/weeks/2026-W47")."""
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: sample[m.group(1)], path)

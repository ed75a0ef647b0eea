"""One `est-bot run` with the web view for the whole folder (tests/e2e/web/site.py), and one headless Chromium
(tests/e2e/web/browser.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.e2e.web.browser import Driver, Signed, start_chromium
from tests.e2e.web.site import Site, running_site


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with running_site(tmp_path_factory.mktemp("web-site")) as running:
        yield running


@pytest.fixture(scope="session")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Driver]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    chromium = start_chromium(profile)
    try:
        yield chromium
    finally:
        chromium.quit()
        shutil.rmtree(profile, ignore_errors=True)  # a profile is megabytes


@pytest.fixture(scope="session")
def browser(driver: Driver) -> Signed:
    """The shared Chromium with a note of who it is signed in as; a test that changes that calls forget()."""
    return Signed(driver)

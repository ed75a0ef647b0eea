"""What the web view refuses, as the browser shows it: an expired, a used and a forged link (a clear page and no
session), a reporter on a coordinator's page (403), and a form posted without its CSRF token (403, nothing
changed)."""

from __future__ import annotations

import secrets
import string

import pytest

from bot.text import t
from handlers.web.pages import ROUTES
from tests.e2e.web import browser as b
from tests.e2e.web.site import Site

pytestmark = pytest.mark.slow

KIM, ANNA, SARA = "Kim Polis", "Anna Andersson", "Sara Samordnare"


def refused(driver: b.Driver, reason: str) -> None:
    assert b.heading(driver) == t("sv", "web.refused.title"), b.main_text(driver)
    assert t("sv", f"web.refused.{reason}") in b.main_text(driver)
    assert b.session_cookie(driver) is None
    assert not b.csp_errors(b.console(driver))


def test_an_expired_link_is_refused_with_a_clear_page_and_no_session(browser: b.Signed, site: Site) -> None:
    driver = browser.forget()
    b.visit(driver, site.link(KIM, minutes_ago=20))  # it worked for 15 minutes: said before any button
    refused(driver, "expired")


def test_a_used_link_is_refused_the_second_time(browser: b.Signed, site: Site) -> None:
    driver = browser.forget()
    link = site.link(KIM)
    b.signed_in(driver, link)
    b.visit(driver, link)  # the same link again, in a browser without the first session's cookie
    refused(driver, "used")


def test_a_forged_link_is_refused(browser: b.Signed, site: Site) -> None:
    driver = browser.forget()
    token = "".join(secrets.choice(string.ascii_letters) for _ in range(43))
    b.visit(driver, site.url("/in/" + token))
    refused(driver, "unknown")


COORDINATOR_PAGES = [p for p in ROUTES if p.role == "coordinator" and "GET" in p.methods]


@pytest.mark.parametrize("page", COORDINATOR_PAGES, ids=[p.name for p in COORDINATOR_PAGES])
def test_a_reporter_is_refused_a_coordinators_page(browser: b.Signed, site: Site, page: object) -> None:
    from handlers.web.page import Page

    assert isinstance(page, Page)
    driver = browser.as_person(site, ANNA)
    path = b.sample_path(page.path, page.sample)
    driver.get(site.url(path))
    assert b.heading(driver) == t("sv", "web.forbidden.title"), (path, b.main_text(driver))
    assert "Anna Andersson" in b.main_text(driver)
    assert b.session_cookie(driver) is not None  # refused the page, still signed in


def test_there_is_a_coordinators_page_to_refuse() -> None:
    assert COORDINATOR_PAGES, "no coordinator page in handlers/web/pages"


def _drop_csrf(driver: b.Driver, form: str) -> None:
    removed = driver.execute_script(
        "const f = document.querySelector(arguments[0]); if (!f) return -1;"
        "const fields = f.querySelectorAll('input[name=csrf]'); fields.forEach(i => i.remove()); return fields.length;",
        form,
    )
    assert removed == 1, f"{form}: {removed} CSRF fields"


def csrf_refused(driver: b.Driver) -> None:
    assert b.heading(driver) == t("sv", "web.csrf.title"), b.main_text(driver)
    assert t("sv", "web.csrf.body") in b.main_text(driver)


def test_logging_out_without_the_csrf_token_is_refused_and_the_session_stays(browser: b.Signed, site: Site) -> None:
    driver = browser.as_person(site, SARA)
    driver.get(site.url("/"))
    _drop_csrf(driver, "form.signout")
    b.press(driver, "form.signout button[type=submit]")
    csrf_refused(driver)
    driver.get(site.url("/"))
    assert b.session_cookie(driver) is not None
    assert driver.find_elements("css selector", "form.signout"), "signed out by a form without its token"


def test_marking_an_action_without_the_csrf_token_changes_nothing(browser: b.Signed, site: Site) -> None:
    """A coordinator's status form on the actions page, posted without its token: 403, the status as it was."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select

    driver = browser.as_person(site, SARA)
    driver.get(site.url("/actions"))
    forms = driver.find_elements(By.CSS_SELECTOR, "main form[method=post]")
    assert forms, b.main_text(driver)
    before = b.main_text(driver)
    select = Select(forms[0].find_element(By.CSS_SELECTOR, "select"))
    current = select.first_selected_option.get_attribute("value")
    other = next(str(o.get_attribute("value")) for o in select.options if o.get_attribute("value") != current)
    select.select_by_value(other)
    driver.execute_script("arguments[0].classList.add('est-test-form')", forms[0])
    _drop_csrf(driver, "form.est-test-form")
    b.press(driver, "form.est-test-form button[type=submit]")
    csrf_refused(driver)
    driver.get(site.url("/actions"))
    assert b.main_text(driver) == before

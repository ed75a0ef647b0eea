"""The week's form in headless Chromium at 390 pixels wide, served by a real `est-bot web` process: open the
personal link, answer with a high level, a new place and a note holding a personnummer, a known place for
another, send, change until the close, be refused after it; axe-core finds nothing serious on any page, and the
pages never scroll sideways. Screenshots go to artefacts/web/form-*.png.

The round (week 47, open) is written into the process's database by this test, as the scheduler would, and so
is the close and the finalising; the link is the one the e-mail carries (`form_link`, bot/usecases/formlinks.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.config import load_config
from bot.conversation.mail import FormRef
from bot.domain.cycle import Phase, RoundKey
from bot.text import t
from bot.usecases.formlinks import form_url
from tests.e2e.web import browser as b
from tests.e2e.web.site import free_port
from tests.support import realproc

pytestmark = pytest.mark.slow

SECRET = "e2e-form-secret-" + "f" * 40
W47 = RoundKey(2026, 47)
ANNA = "Anna Andersson"

CONFIG = """
reports_dir = "{tmp}/reports"

[database]
url = "sqlite:///{tmp}/form.sqlite"

[web]
enabled = true
listen = "127.0.0.1"
port = {port}
base_url = "http://127.0.0.1:{port}"
secure_cookies = false

[[groups]]
id = "tbg"
name = "Tryggare Trelleborg"
timezone = "Europe/Stockholm"

[[groups.areas]]
code = "centrum"
name = "Centrum"
places = ["Stortorget", "Resecentrum"]

[[groups.reporters]]
name = "Anna Andersson"
organisation = "Trygghetsvärdar"
areas = ["centrum"]

[[groups.reporters]]
name = "Sara Samordnare"
organisation = "Säkerhetsenheten"
role = "coordinator"
"""


@dataclass
class FormWeb:
    base_url: str
    app: App  # the same database, in this process
    round_id: int

    def url(self, path: str) -> str:
        return self.base_url + path

    def form_link(self, name: str) -> str:
        """The person's link to the week's form, as the e-mail edge makes it."""
        with self.app.services.unit() as uow:
            person = uow.people.person_by_name("tbg", name)
            assert person is not None
            generation = uow.web.form_generation(person.id, self.round_id)
        return form_url(self.base_url, SECRET, FormRef(person.id, self.round_id, generation))

    def phase(self, old: Phase, new: Phase) -> None:
        with self.app.services.unit() as uow:
            assert uow.rounds.set_phase(self.round_id, old, new, datetime.now(UTC))
            uow.commit()

    def sent(self) -> list[tuple[str, int, str | None]]:
        """(factor, level, note) of Anna's sent answers above 0, and the stored state's places."""
        with self.app.services.unit() as uow:
            person = uow.people.person_by_name("tbg", ANNA)
            assert person is not None
            return [(a.factor, a.level, a.note) for a in uow.rounds.own_answers(person.id) if a.level]


@pytest.fixture(scope="module")
def form_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FormWeb]:
    tmp = tmp_path_factory.mktemp("form-web")
    port = free_port()
    path = tmp / "est.toml"
    path.write_text(CONFIG.format(tmp=tmp, port=port), encoding="utf-8")
    app = build(load_config(path), clock=ManualClock(datetime.now(UTC)), platforms=())
    try:
        with app.services.unit() as uow:  # what Tuesday's scheduler does: week 47 opens
            rnd = uow.rounds.create_round("tbg", W47, datetime.now(UTC))
            assert uow.rounds.set_phase(rnd.id, Phase.PLANNED, Phase.OPEN, datetime.now(UTC))
            uow.commit()
        log_path = tmp / "est-bot.log"
        env = {**os.environ, "EST_WEB_SECRET": SECRET}
        with log_path.open("w", encoding="utf-8") as log:
            proc = subprocess.Popen(
                [realproc.EXE, "web", "--config", str(path)], env=env, stdout=log, stderr=subprocess.STDOUT, text=True
            )
            try:
                realproc.wait_until(
                    lambda: proc.poll() is not None or _serving(f"http://127.0.0.1:{port}/signin"), 60, "est-bot web"
                )
                assert proc.poll() is None, log_path.read_text()
                yield FormWeb(f"http://127.0.0.1:{port}", app, rnd.id)
            finally:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=30)
        out = log_path.read_text(encoding="utf-8")
        assert "Traceback" not in out, out
        assert "9876" not in out and "/form/" not in out, "a personnummer or a form link in the log"
    finally:
        app.close()


@pytest.fixture
def form_link(form_web: FormWeb) -> Callable[[str], str]:
    """The link to a person's form of the week, as the e-mail carries it. (Until the e-mail edge is in main:
    made with formlinks.form_url, as the edge makes it when it sends.)"""
    return form_web.form_link


def _serving(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def looked_at(driver: b.Driver, name: str) -> Path:
    """The page passes axe-core (nothing serious or critical), does not scroll sideways at 390 px, breaks no
    CSP rule; and its screenshot."""
    bad = b.serious(b.axe(driver))
    assert not bad, (name, bad)
    width, inner = b.horizontal_overflow(driver)
    assert width <= inner + 1, f"{name}: {width} px wide in a {inner} px window"
    assert not b.csp_errors(b.console(driver)), name
    return b.screenshot(driver, f"form-{name}")


def choose(driver: b.Driver, item: int, level: int) -> None:
    from selenium.webdriver.common.by import By

    radio = driver.find_element(By.CSS_SELECTOR, f'input[name="l{item}"][value="{level}"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", radio)
    radio.click()


def high_shown(driver: b.Driver, item: int) -> bool:
    from selenium.webdriver.common.by import By

    shown: bool = driver.find_element(By.CSS_SELECTOR, f"#item-{item} .form-high").is_displayed()
    return shown


def test_open_answer_send_change_and_be_refused_after_close(
    driver: b.Driver, form_web: FormWeb, form_link: Callable[[str], str]
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select

    b.viewport(driver, b.PHONE)
    try:
        driver.delete_all_cookies()
        link = form_link(ANNA)
        driver.get(link)
        assert driver.current_url == form_web.url("/form")  # the token left the address bar
        assert b.heading(driver) == "Veckans rapport 2026-W47"
        assert "Formulär för Anna Andersson, Trygghetsvärdar" in b.main_text(driver)
        assert driver.get_cookie("est-form") is not None and driver.get_cookie(b.SESSION_COOKIE) is None
        looked_at(driver, "empty")

        for item in range(12):
            choose(driver, item, 0)
        assert not high_shown(driver, 1)  # where and what only for a high level (CSS :has, no script)
        choose(driver, 1, 3)
        assert high_shown(driver, 1) and not high_shown(driver, 0)
        driver.find_element(By.ID, "np1").send_keys("Porten vid 19811218-9876")
        driver.find_element(By.ID, "w1").send_keys("Mannen 811218-9876 slog sönder rutan")
        choose(driver, 5, 2)
        Select(driver.find_element(By.ID, "p5")).select_by_visible_text("Stortorget")
        driver.find_element(By.ID, "w5").send_keys("Langning kl 22")
        looked_at(driver, "filled")

        b.press(driver, "button[name=go]")
        assert driver.current_url == form_web.url("/form/summary")
        summary = b.main_text(driver)
        assert "Skadegörelse: Allvarligt / eskalerande – Porten vid [personnummer]" in summary
        assert "(Mannen [personnummer] slog sönder rutan)" in summary and "9876" not in summary
        assert "Narkotika" in summary and "Stortorget (Langning kl 22)" in summary
        looked_at(driver, "summary")

        b.press(driver, "main .form-actions button.primary")
        assert driver.current_url == form_web.url("/form/sent")
        assert "Din rapport för 2026-W47 är skickad. Du kan ändra den fram till" in b.main_text(driver)
        looked_at(driver, "sent")
        assert form_web.sent() == [
            ("skadegorelse", 3, "Mannen [personnummer] slog sönder rutan"),
            ("narkotika", 2, "Langning kl 22"),
        ]

        b.press(driver, "a.form-button")  # "Ändra svaren": the form again, as stored
        assert driver.find_element(By.CSS_SELECTOR, 'input[name="l1"][value="3"]').is_selected()
        assert driver.find_element(By.ID, "np1").get_attribute("value") == "Porten vid [personnummer]"
        choose(driver, 1, 2)
        b.press(driver, "button[name=go]")
        b.press(driver, "main .form-actions button.primary")
        assert driver.current_url == form_web.url("/form/sent")
        assert ("skadegorelse", 2, "Mannen [personnummer] slog sönder rutan") in form_web.sent()

        form_web.phase(Phase.OPEN, Phase.CLOSED)  # the week closes
        driver.get(form_web.url("/form"))
        assert b.heading(driver) == t("sv", "web.form.locked.title")
        assert "kan inte längre ändras" in b.main_text(driver)
        looked_at(driver, "closed")

        form_web.phase(Phase.CLOSED, Phase.FINALISED)  # the picture finalised: the link works no more
        driver.delete_all_cookies()
        driver.get(link)
        assert b.heading(driver) == t("sv", "web.form.refused.title")
        assert t("sv", "web.form.refused.closed") in b.main_text(driver)
        assert driver.get_cookie("est-form") is None
        looked_at(driver, "refused")
    finally:
        b.viewport(driver, b.DESKTOP)
        driver.delete_all_cookies()

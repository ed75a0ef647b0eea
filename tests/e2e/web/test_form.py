"""The week's form in headless Chromium at 390 pixels wide, served by a real `est-bot run` with the web view and
e-mail to a recording SMTP server on loopback (standins/smtp.py): open the link from the received e-mail, answer
with a high level, a new place and a note holding a personnummer, a known place for another, send, change until
the close, be refused after it; axe-core finds nothing serious on any page, and the pages never scroll sideways.
Screenshots go to artefacts/web/form-*.png.

The process runs on a shifted clock (`run --at`, Tuesday of week 47 an hour after the open), so its scheduler
opens the week and sends Tuesday's invitation by e-mail, the personal link put in by its e-mail edge; the close
and the finalising are written into the same database by the test, as a coordinator's commands would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.config import load_config
from bot.domain.cycle import Phase, RoundKey
from bot.text import t
from standins.smtp import FakeSMTP
from tests.e2e.web import browser as b
from tests.e2e.web.site import free_port
from tests.support import realproc

pytestmark = pytest.mark.slow

SECRET = "e2e-form-secret-" + "f" * 40
W47 = RoundKey(2026, 47)
ANNA = "Anna Andersson"

STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = datetime(2026, 11, 17, 9, 0, tzinfo=STOCKHOLM)  # week 47 opened at 08:00
ANNA_MAIL = "anna@example.se"

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

[email]
enabled = true
host = "127.0.0.1"
port = {smtp}
starttls = false
from = "est@trelleborg.example.se"
from_name = "EST Trelleborg"
rate_per_second = 20

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
email = "{anna}"

[[groups.reporters]]
name = "Sara Samordnare"
organisation = "Säkerhetsenheten"
role = "coordinator"
email = "sara@example.se"
"""


@dataclass
class FormWeb:
    base_url: str
    app: App  # the same database, in this process
    smtp: FakeSMTP
    began: float  # time.monotonic() when the process started
    found: int | None = None  # week 47's round, once seen open

    def url(self, path: str) -> str:
        return self.base_url + path

    def now(self) -> datetime:
        """The process's clock (it started at START and runs with the real one)."""
        return START + timedelta(seconds=time.monotonic() - self.began)

    def round_id(self) -> int:
        """Week 47's round, once the process's scheduler has opened it."""
        if self.found is not None:
            return self.found
        found: list[int] = []

        def opened() -> bool:
            with self.app.services.unit() as uow:
                rnd = uow.rounds.get_round("tbg", W47)
                if rnd is not None and rnd.phase == Phase.OPEN:
                    found.append(rnd.id)
            return bool(found)

        realproc.wait_until(opened, 60, "week 47 opened by the scheduler")
        self.found = found[0]
        return self.found

    def phase(self, old: Phase, new: Phase) -> None:
        with self.app.services.unit() as uow:
            assert uow.rounds.set_phase(self.round_id(), old, new, self.now())
            uow.commit()

    def sent(self) -> list[tuple[str, int, str | None]]:
        """(factor, level, note) of Anna's sent answers above 0."""
        with self.app.services.unit() as uow:
            person = uow.people.person_by_name("tbg", ANNA)
            assert person is not None
            return [(a.factor, a.level, a.note) for a in uow.rounds.own_answers(person.id) if a.level]


@pytest.fixture(scope="module")
def form_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FormWeb]:
    tmp = tmp_path_factory.mktemp("form-web")
    port = free_port()
    with FakeSMTP() as smtp:
        path = tmp / "est.toml"
        path.write_text(CONFIG.format(tmp=tmp, port=port, smtp=smtp.port, anna=ANNA_MAIL), encoding="utf-8")
        app = build(load_config(path), clock=ManualClock(START), platforms=())
        try:
            log_path = tmp / "est-bot.log"
            env = {**os.environ, "EST_WEB_SECRET": SECRET}
            at = START.replace(tzinfo=None).isoformat(timespec="minutes")
            with log_path.open("w", encoding="utf-8") as log:
                began = time.monotonic()
                proc = subprocess.Popen(
                    [realproc.EXE, "run", "--config", str(path), "--at", at],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                try:
                    realproc.wait_until(
                        lambda: proc.poll() is not None or _serving(f"http://127.0.0.1:{port}/signin"),
                        60,
                        "est-bot run with the web view",
                    )
                    assert proc.poll() is None, log_path.read_text()
                    yield FormWeb(f"http://127.0.0.1:{port}", app, smtp, began)
                finally:
                    proc.send_signal(signal.SIGINT)
                    try:
                        proc.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait(timeout=30)
            out = log_path.read_text(encoding="utf-8")
            assert proc.returncode == 0, out
            assert "Traceback" not in out, out
            assert "9876" not in out and "/form/" not in out, "a personnummer or a form link in the log"
        finally:
            app.close()


@pytest.fixture
def form_link(form_web: FormWeb) -> Callable[[str], str]:
    """The link to a person's form of the week, from Tuesday's invitation the SMTP server received."""

    def received(name: str) -> str:
        assert name == ANNA
        form_web.round_id()  # the scheduler opened the week, and with it queued the invitation

        def arrived() -> bool:
            return any("v. 47" in str(m["Subject"]) for m in form_web.smtp.to(ANNA_MAIL))

        realproc.wait_until(arrived, 60, "the invitation e-mail")
        (msg,) = [m for m in form_web.smtp.to(ANNA_MAIL) if "v. 47" in str(m["Subject"])]
        assert str(msg["Subject"]) == "Veckans trygghetsenkät v. 47 – Tryggare Trelleborg"
        plain = msg.get_body(("plain",))
        assert plain is not None
        links = [w for w in plain.get_content().split() if "/form/" in w]
        assert links, plain.get_content()
        link = next(w for w in links if not w.endswith("/nothing"))
        assert link + "/nothing" in links  # the one-click quick path beside it
        html = msg.get_body(("html",))
        assert html is not None and f'href="{link}"' in html.get_content()
        return link

    return received


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
        driver.get(link + "/nothing")  # the e-mail's quick path: a page with one button, nothing done yet
        assert b.heading(driver) == t("sv", "web.form.nothing.title")
        assert len(driver.find_elements(By.CSS_SELECTOR, "main button")) == 1
        looked_at(driver, "nothing")
        driver.get(link)
        assert driver.current_url == form_web.url("/form")  # the token left the address bar
        assert b.heading(driver) == "Veckans rapport, vecka 47"
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
        assert "Din rapport för vecka 47 är skickad. Du kan ändra den fram till" in b.main_text(driver)
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

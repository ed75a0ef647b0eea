"""A static snapshot of pages of the web view, readable with no server (`est-bot demo` writes one).

Each page is rendered by the real app, signed in through the real sign-in as the given person, so the snapshot
is exactly what that person sees. The HTML is then made to stand alone: links to the snapshot's other pages and
to static files become relative paths, and the static files (with what their CSS names) are copied beside the
pages; links to pages outside the snapshot become plain text, and forms become plain blocks
(nothing to post to; the CSRF fields and submit buttons go). The JSON data blocks (the map's places) are left
as they are: the map draws from the page's own `<script type="application/json" id="map-data">`, with no fetch.

Signing in writes a link, a session and an audit entry: give it a copy of the database when that matters.
"""

from __future__ import annotations

import html
import re
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from starlette.testclient import TestClient

from bot.domain.model import Person
from bot.text import norm_lang, t
from bot.usecases.context import Env
from bot.usecases.web import issue_link

BASE = "https://snapshot.invalid"
STATIC = Path(__file__).parent / "static"
_NOWHERE = "\x00nowhere"  # marks a reference to a page outside the snapshot, while the page is rewritten
_NOWHERE_LINK = re.compile(r'<a\b([^>]*?) href="\x00nowhere"([^>]*)>(.*?)</a>', re.S)
_NOWHERE_ATTRIBUTE = re.compile(r' ?\b(?:href|src|action)="\x00nowhere"')
_ATTRIBUTE = re.compile(r'\b(href|src|action)="([^"]*)"')
_DATA_BLOCK = re.compile(r'(<script type="application/json"[^>]*>.*?</script>)', re.S)
_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
_CLASS = re.compile(r'\bclass="([^"]*)"')
_HIDDEN = re.compile(r'<input\b[^>]*\btype="hidden"[^>]*>\s*')
_SUBMIT = re.compile(r'<button\b[^>]*\btype="submit"[^>]*>.*?</button>\s*', re.S)
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
_MAIN = re.compile(r"<main\b[^>]*>")


class SnapshotError(RuntimeError):
    """A page of the snapshot did not render (its status and path)."""


def write_snapshot(env: Env, person: Person, pages: Mapping[str, str], folder: Path) -> list[Path]:
    """Render each path of `pages` (a URL path such as "/weeks/2026-W47", to a file name such as "week.html")
    as `person`, and write the pages and the static files they need under `folder`; the files written."""
    from handlers.web.app import build_web_app  # the app imports the pages; this module is imported by none

    folder.mkdir(parents=True, exist_ok=True)
    app = build_web_app(env, secrets.token_urlsafe(48))
    written: list[Path] = []
    static: set[str] = set()
    with TestClient(app, base_url=BASE, follow_redirects=False) as client:
        _sign_in(env, person, client)
        group = env.group_or_none(person.group_id)
        when = env.clock.now().astimezone(group.tz) if group is not None else env.clock.now()
        note = t(norm_lang(person.language), "web.snapshot.note", when=f"{when:%Y-%m-%d %H:%M}")
        for path, name in pages.items():
            response = client.get(path)
            if response.status_code != 200:
                raise SnapshotError(f"{path}: HTTP {response.status_code}")
            page, used = standalone(response.text, pages, note)
            static |= used
            target = folder / name
            target.write_text(page, encoding="utf-8")
            written.append(target)
    for rel in sorted(_with_css_references(static)):
        target = folder / "static" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STATIC / rel, target)
        written.append(target)
    return written


def _sign_in(env: Env, person: Person, client: TestClient) -> None:
    with env.unit() as uow:
        link = issue_link(env, uow, person, env.clock.now())
        uow.commit()
    path = urlsplit(link).path
    path = path[path.index("/in/") :]
    confirm = client.get(path)
    csrf = re.search(r'name="csrf" value="([^"]+)"', confirm.text)
    if confirm.status_code != 200 or csrf is None:
        raise SnapshotError(f"sign-in page: HTTP {confirm.status_code}")
    done = client.post(path, data={"csrf": html.unescape(csrf.group(1))})
    if done.status_code != 303:
        raise SnapshotError(f"sign-in: HTTP {done.status_code}")


def standalone(page: str, pages: Mapping[str, str], note: str = "") -> tuple[str, set[str]]:
    """The page with its links made relative (see the module's docstring) and `note` at the top of its main
    part, and the static files it names (paths under handlers/web/static)."""
    used: set[str] = set()
    page = page.replace("\x00", "\ufffd")  # (then the marker below is the only NUL)

    def target(value: str) -> str | None:
        """Where a reference goes in the snapshot (escaped for an attribute), None for a page outside it."""
        if value.startswith(("#", "mailto:")) or value == "":
            return html.escape(value)
        parts = urlsplit(value)
        if parts.scheme and not value.startswith(BASE):
            return html.escape(value)  # another site (an attribution, a map's copyright)
        if parts.path.startswith("/static/"):
            rel = parts.path.removeprefix("/static/")
            if ".." in Path(rel).parts or not (STATIC / rel).is_file():
                raise SnapshotError(f"no static file {rel}")
            used.add(rel)
            return html.escape(f"static/{rel}")
        if parts.path in pages:
            return html.escape(pages[parts.path] + (f"#{parts.fragment}" if parts.fragment else ""))
        return None

    def attribute(m: re.Match[str]) -> str:
        goes = target(html.unescape(m.group(2)))
        return f'{m.group(1)}="{_NOWHERE if goes is None else goes}"'

    def form(m: re.Match[str]) -> str:
        cls = _CLASS.search(m.group(1))
        inner = _SUBMIT.sub("", _HIDDEN.sub("", m.group(2)))
        return f'<div class="{cls.group(1)}">{inner}</div>' if cls else f"<div>{inner}</div>"

    out = []
    for i, piece in enumerate(_DATA_BLOCK.split(page)):
        if i % 2:  # a JSON data block: its text is data, never a link
            out.append(piece)
            continue
        piece = _FORM.sub(form, piece)
        if note:
            piece = _MAIN.sub(lambda m: f'{m.group(0)}\n<p class="notice">{html.escape(note)}</p>', piece, count=1)
        piece = _ATTRIBUTE.sub(attribute, piece)
        # a link to a page outside the snapshot: its words stay, as text
        piece = _NOWHERE_LINK.sub(lambda m: f"<span{m.group(1)}{m.group(2)}>{m.group(3)}</span>", piece)
        out.append(re.sub(r" +>", ">", _NOWHERE_ATTRIBUTE.sub("", piece)))
    return "".join(out), used


def _with_css_references(files: set[str]) -> set[str]:
    """The static files, what their style sheets name by a relative url() (Leaflet's images), and the licence
    files of the vendored packages among them."""
    out = set(files)
    for rel in files:
        parts = Path(rel).parts
        if len(parts) > 2 and parts[0] == "vendor":
            package = STATIC / "vendor" / parts[1]
            out |= {f"vendor/{parts[1]}/{p.name}" for p in package.iterdir() if p.name.startswith("LICENSE")}
        if not rel.endswith(".css"):
            continue
        css = (STATIC / rel).read_text(encoding="utf-8")
        for ref in _CSS_URL.findall(css):
            if ref.startswith(("data:", "http:", "https:", "/", "#")):
                continue
            target = (Path(rel).parent / ref.split("?")[0].split("#")[0]).as_posix()
            if (STATIC / target).is_file():
                out.add(target)
    return out

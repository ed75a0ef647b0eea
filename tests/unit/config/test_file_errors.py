"""Settings files that cannot be used as they are: structural mistakes in the parsed data, files that are not
TOML, not UTF-8 or not there, and what the command line prints for them (one line, exit 2, no traceback)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import ConfigError, parse_config
from tests.support.config_files import EXAMPLE_TEXT, edited, example_data, load_error, write

# Mistakes easier to make on the parsed data than as a text edit: (change, message start, words).
DATA_MISTAKES: dict[str, tuple[Callable[[dict[str, Any]], Any], str, list[str]]] = {
    "missing areas": (
        lambda d: d["groups"][0].pop("areas"),
        "groups[0].areas: missing; ",
        ["add at least one [[groups.areas]] table with code and name"],
    ),
    "no areas": (
        lambda d: d["groups"][0].update(areas=[]),
        "groups[0].areas: too few; ",
        ["at least 1 entry", "[[groups.areas]]"],
    ),
    "missing groups": (lambda d: d.pop("groups"), "groups: missing; ", ["[[groups]]"]),
    "missing reporter name": (
        lambda d: d["groups"][0]["reporters"][3].pop("name"),
        "groups[0].reporters[3].name: missing; ",
        ["required in every [[groups.reporters]] table"],
    ),
    "missing group id": (lambda d: d["groups"][0].pop("id"), "groups[0].id: missing; ", ["required"]),
    "duplicate group id": (
        lambda d: d["groups"].append(
            {"id": "trollhattan", "name": "Trollhättan igen", "areas": [{"code": "a", "name": "A"}]}
        ),
        "groups[1].id = 'trollhattan': ",
        ["already the id of groups[0]", "must be unique"],
    ),
    "one account in two groups": (
        lambda d: d["groups"].append(
            {
                "id": "vanersborg",
                "name": "Trygga Vänersborg",
                "areas": [{"code": "centrum", "name": "Centrum"}],
                "reporters": [{"name": "Lena Berg", "role": "coordinator", "slack": "U04SAMORD4"}],
            }
        ),
        "groups[1].reporters[0].slack = 'U04SAMORD4': ",
        ["already the slack id of groups[0].reporters[5] ('Lena Berg')", "one person only"],
    ),
    "duplicate factor code": (
        lambda d: d["groups"][0].update(
            factors=[{"code": "klotter", "sv": "Klotter", "en": "Graffiti"}, {"code": "klotter", "sv": "K", "en": "G"}]
        ),
        "groups[0].factors[1].code = 'klotter': ",
        ["already the code of factors[0]"],
    ),
    "factor without English": (
        lambda d: d["groups"][0].update(factors=[{"code": "klotter", "sv": "Klotter"}]),
        "groups[0].factors[0].en: missing; ",
        ["[[groups.factors]]"],
    ),
    "reporters as one table": (
        lambda d: d["groups"][0].update(reporters={"name": "Amira Hassan"}),
        "groups[0].reporters: ",
        ["allowed: a list", "[[groups.reporters]]", "double brackets"],
    ),
    "areas of a reporter as text": (
        lambda d: d["groups"][0]["reporters"][0].update(areas="centrum"),
        "groups[0].reporters[0].areas = 'centrum': ",
        ["allowed: a list in square brackets"],
    ),
    "channel as text": (
        lambda d: d["groups"][0]["channels"].update(meeting="C05EST0MOTE"),
        "groups[0].channels.meeting = 'C05EST0MOTE': ",
        ["allowed: a table", "[groups.channels.meeting]"],
    ),
    "very long area name": (
        lambda d: d["groups"][0]["areas"][0].update(name="Centrum " * 40),
        "groups[0].areas[0].name = 'Centrum Centrum",
        ["...: too long; allowed: at most 200 characters"],
    ),
}


@pytest.mark.parametrize("case", list(DATA_MISTAKES), ids=list(DATA_MISTAKES))
def test_a_structural_mistake_is_one_line_naming_the_key(case: str) -> None:
    change, start, words = DATA_MISTAKES[case]
    data = example_data()
    change(data)
    before = copy.deepcopy(data)

    with pytest.raises(ConfigError) as info:
        parse_config(data, "est-bot.toml")

    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(f"est-bot.toml: {start}"), msg
    for w in words:
        assert w in msg, msg
    assert data == before, "parsing must not change the caller's data"


def test_only_the_first_of_several_mistakes_is_reported() -> None:
    data = example_data()
    data["groups"][0]["threshold"] = 9
    data["groups"][0]["language"] = "de"
    with pytest.raises(ConfigError) as info:
        parse_config(data, "est-bot.toml")
    assert str(info.value).count("est-bot.toml:") == 1


# --------------------------------------------------------------------------- the file itself


def test_invalid_toml_names_the_file_and_the_line(tmp_path: Path) -> None:
    text = edited("threshold = 2", "threshold = ")
    line = text.splitlines().index("threshold = ") + 1
    path = write(tmp_path, text)

    msg = load_error(path)

    assert msg.startswith(f"{path}: not valid TOML: ")
    assert f"line {line}" in msg
    assert "\n" not in msg


def test_unclosed_string_names_the_line(tmp_path: Path) -> None:
    text = edited('name = "Tryggare Trollhättan"', 'name = "Tryggare Trollhättan')
    line = text.splitlines().index('name = "Tryggare Trollhättan') + 1
    msg = load_error(write(tmp_path, text))
    assert "not valid TOML" in msg and f"line {line}" in msg and "\n" not in msg


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "finns-inte.toml"
    msg = load_error(path)
    assert msg == (
        f"{path}: file not found; copy config.example.toml there to start, or name the settings file with "
        "--config FILE or EST_CONFIG"
    )


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    msg = load_error(tmp_path)
    assert msg.startswith(f"{tmp_path}: cannot read") and "\n" not in msg


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    text = "# est-bot\n" + EXAMPLE_TEXT.split("\n", 1)[1]  # the first line with å/ä/ö is now further down
    first = next(i for i, line in enumerate(text.splitlines(), start=1) if not line.isascii())
    path = tmp_path / "latin1.toml"
    path.write_bytes(text.encode("cp1252"))

    msg = load_error(path)

    assert msg.startswith(f"{path}: not UTF-8 text")
    assert f"line {first}" in msg and "save the file with UTF-8 encoding" in msg
    assert "\n" not in msg


# --------------------------------------------------------------------------- the command line


BAD_FILES: dict[str, str] = {
    "threshold 5": edited("threshold = 2", "threshold = 5"),
    "typo": edited('timezone = "Europe/Stockholm"', 'timezon = "Europe/Stockholm"'),
    "unknown area": edited('areas = ["centrum", "lextorp"]', 'areas = ["centrum", "vastra"]'),
    "invalid TOML": edited("threshold = 2", "threshold = "),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_cli_with_a_bad_file_exits_2_with_one_line_and_no_traceback(case: str, tmp_path: Path) -> None:
    bad = write(tmp_path, BAD_FILES[case], "BAD.toml")

    result = CliRunner().invoke(app, ["schedule", "--config", str(bad)])

    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"est-bot: {bad}: ")
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_cli_with_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["schedule", "--config", str(tmp_path / "nej.toml")])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"est-bot: {tmp_path / 'nej.toml'}: file not found; copy config.example.toml there to start, or name the "
        "settings file with --config FILE or EST_CONFIG"
    ]


ARGS = {
    "chat": ["--as", "Sara"],
    "invite": ["Sara"],
    "import": ["police", "x.csv"],
    "backup": ["x.sqlite"],
    "restore": ["x.sqlite"],
    "report": ["--week", "2026-W47"],
    "export": ["--from", "2026-W40", "--to", "2026-W47", "--out", "x"],
}


@pytest.mark.parametrize(
    "command",
    [
        "schedule",
        "chat",
        "run",
        "web",
        "invite",
        "import",
        "audit",
        "migrate",
        "backup",
        "restore",
        "report",
        "export",
        "followup",
    ],
)
def test_every_command_without_settings_says_where_it_looked(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EST_CONFIG", raising=False)
    result = CliRunner().invoke(app, [command, *ARGS.get(command, [])], env={"EST_CONFIG": None})
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [
        f"est-bot: est-bot.toml: file not found in {tmp_path}; copy config.example.toml there to start, or name "
        "the settings file with --config FILE or EST_CONFIG"
    ]

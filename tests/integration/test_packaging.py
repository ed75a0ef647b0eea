"""Packaging (issue 18 §4): the Containerfile's install steps and the systemd unit.

No container runtime can run on CI's machines: podman installs from Debian's packages, but its runtime (crun)
cannot start a container there (no setrlimit, cgroups in hybrid mode), and a build needs the Python base image
from a registry, which CI does not reach. So the first stage's steps run here instead, as written, in a fresh
virtual environment: the sources its `COPY` lines name, then its `RUN` lines with the paths moved into a
temporary folder and pip kept offline (`--no-index --no-build-isolation`). The dependencies are the ones this
test run has (the new environment sees them through a `.pth` file, without est-bot itself), so pip checks that
they satisfy est-bot's declared ranges and the postgres extra, and installs est-bot from the wheel alone. The
installed est-bot migrates a database and prints a schedule, and the wheel holds every file beside the code
(templates, migrations, texts, assets) that the checkout has.
"""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTAINERFILE = ROOT / "Containerfile"
UNIT = ROOT / "deploy" / "est-bot.service"


def first_stage() -> list[tuple[str, str]]:
    """The instructions of the Containerfile's first stage, as (INSTRUCTION, arguments), continuations joined."""
    text = re.sub(r"\\\n\s*", " ", CONTAINERFILE.read_text(encoding="utf-8"))
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word.upper() == "FROM":
            stages.append([])
        elif stages:
            stages[-1].append((word.upper(), rest.strip()))
    assert len(stages) == 2, "a build stage and the final stage"
    return stages[0]


def test_the_containerfile_is_multi_stage_slim_unprivileged_and_checks_its_health() -> None:
    text = CONTAINERFILE.read_text(encoding="utf-8")
    froms = re.findall(r"^FROM (\S+)(?: AS (\S+))?$", text, re.MULTILINE)
    assert froms == [("${PYTHON_IMAGE}", "build"), ("${PYTHON_IMAGE}", "")]
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim", text, re.MULTILINE)
    final = text.split("\nFROM ${PYTHON_IMAGE}\n", 1)[1]
    assert "COPY --from=build /opt/est-bot /opt/est-bot" in final
    assert re.search(r"^USER est-bot", final, re.MULTILINE) and "useradd --system" in final
    assert 'VOLUME ["/etc/est-bot", "/var/lib/est-bot"]' in final
    assert "EST_CONFIG=/etc/est-bot/est-bot.toml" in final
    assert re.search(r'^CMD \["est-bot", "run"\]$', final, re.MULTILINE)
    health = re.search(r"^HEALTHCHECK .*CMD (\[.*\])$", re.sub(r"\\\n\s*", "", final), re.MULTILINE)
    assert health and "http://127.0.0.1:9464/healthz" in health.group(1) and "urllib.request" in health.group(1)
    assert "curl" not in final and "[postgres]" in text


@pytest.mark.slow
def test_the_containerfile_install_steps_give_a_working_est_bot(tmp_path: Path) -> None:
    src, venv, wheels = tmp_path / "src", tmp_path / "venv", tmp_path / "wheels"
    moved = {"/opt/est-bot": str(venv), "/wheels": str(wheels)}
    steps = first_stage()
    assert ("WORKDIR", "/src") in steps
    copied = [args.split() for word, args in steps if word == "COPY"]
    assert [c[0] for c in copied] == ["pyproject.toml", "bot", "handlers", "storage"]
    src.mkdir()
    for *sources, dest in copied:
        for name in sources:  # a folder to the folder named, a file into the folder named
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, src / dest, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(ROOT / name, src / dest / name)
    runs = [args for word, args in steps if word == "RUN"]
    assert len(runs) == 4 and "[postgres]" in runs[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EST_", "PIP_", "VIRTUAL_ENV"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    offline = {
        "/bin/pip wheel ": "/bin/pip wheel --no-index --no-build-isolation ",
        "/bin/pip install ": "/bin/pip install --no-index ",
    }
    for i, command in enumerate(runs):
        for old, new in (moved | offline).items():
            command = command.replace(old, new)
        if command.startswith("python "):
            command = shlex.quote(sys.executable) + command.removeprefix("python")
        done = subprocess.run(
            ["sh", "-c", command], cwd=src, env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
        if i == 0:
            share_dependencies(venv)
    assert len(list(wheels.glob("est_bot-*.whl"))) == 1

    python = venv / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import bot, storage, handlers, psycopg; print(bot.__file__, storage.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tmp_path,  # not the checkout, which `python -c` would import from
    ).stdout
    assert all(str(venv) in p for p in where.split()), where  # est-bot from the wheel, not from the checkout

    config = tmp_path / "est-bot.toml"
    shutil.copytree(ROOT / "areas", tmp_path / "areas")  # the example's area outlines
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    config.write_text(example.replace('url = "sqlite:///est-bot.sqlite"', 'url = "sqlite:///est.sqlite"'))
    est_bot = str(venv / "bin" / "est-bot")
    work = tmp_path / "work"
    work.mkdir()
    migrated = subprocess.run(
        [est_bot, "migrate", "--config", str(config)], cwd=work, capture_output=True, text=True, env=env, check=False
    )
    assert migrated.returncode == 0 and migrated.stdout.startswith("database at revision "), migrated.stderr
    assert (work / "est.sqlite").exists()
    schedule = subprocess.run(
        [est_bot, "schedule", "--config", str(config), "--from", "2026-11-16", "--weeks", "1"],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert schedule.returncode == 0 and "2026-11-17" in schedule.stdout, schedule.stderr

    # every file beside the code that est-bot reads (templates, migrations, texts, the web view's assets) is in
    # the wheel: the demo week, which uses them all, takes over a minute, too long to play here
    with zipfile.ZipFile(next(wheels.glob("est_bot-*.whl"))) as wheel:
        packed = set(wheel.namelist())
    data = [
        p.relative_to(ROOT).as_posix()
        for top in ("bot", "handlers", "storage")
        for p in (ROOT / top).rglob("*")
        if p.is_file() and p.suffix in (".j2", ".ini", ".mako", ".toml", ".js", ".css", ".png", ".svg", ".py")
    ]
    assert len(data) > 100 and not [d for d in data if d not in packed]


def share_dependencies(venv: Path) -> None:
    """Let the new environment see this test run's installed packages (est-bot's dependencies, and setuptools
    to build the wheel) without est-bot itself: a folder of links to them, named in a `.pth` file."""
    ours = Path(site.getsitepackages()[0])
    shared = venv.parent / "shared-site-packages"
    shared.mkdir()
    for entry in ours.iterdir():
        name = entry.name.lower()
        if name.startswith(("est_bot", "__editable__", "_est_bot", "pip", "__pycache__")) or name.endswith(".pth"):
            continue
        (shared / entry.name).symlink_to(entry)
    (site_packages(venv) / "shared-dependencies.pth").write_text(f"{shared}\n", encoding="utf-8")


def site_packages(venv: Path) -> Path:
    found = list((venv / "lib").glob("python3.*/site-packages"))
    assert len(found) == 1, found
    return found[0]


# ---- the systemd unit


def unit() -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, delimiters=("=",), comment_prefixes=("#", ";"))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read(UNIT, encoding="utf-8")
    return parser


def test_the_systemd_unit_restarts_reads_its_secrets_from_a_file_and_is_hardened() -> None:
    u = unit()
    service = dict(u["Service"])
    assert service["Type"] in ("simple", "notify")
    assert service["ExecStart"] == "/opt/est-bot/bin/est-bot run"
    assert service["Restart"] == "on-failure"
    assert service["EnvironmentFile"] == "/etc/est-bot/est-bot.env"
    assert "EST_CONFIG=/etc/est-bot/est-bot.toml" in UNIT.read_text(encoding="utf-8")
    assert service["DynamicUser"] == "yes" and service["StateDirectory"] == "est-bot"
    assert service["ProtectSystem"] == "strict" and service["ReadWritePaths"] == "/var/lib/est-bot"
    for key in ("NoNewPrivileges", "PrivateTmp", "ProtectHome", "PrivateDevices", "RestrictNamespaces"):
        assert service[key] == "yes", key
    assert service["RestrictAddressFamilies"] == "AF_UNIX AF_INET AF_INET6"
    assert service["CapabilityBoundingSet"] == ""
    assert service["KillSignal"] == "SIGTERM"
    assert dict(u["Install"])["WantedBy"] == "multi-user.target"


def test_the_systemd_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian's package systemd); the unit's keys are checked above")
    # verify checks that ExecStart's program exists: a stand-in program in its place, the rest as written.
    program = tmp_path / "est-bot"
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    text = UNIT.read_text(encoding="utf-8")
    assert text.count("ExecStart=/opt/est-bot/bin/est-bot ") == 1
    copy = tmp_path / "est-bot.service"
    copy.write_text(text.replace("ExecStart=/opt/est-bot/bin/est-bot ", f"ExecStart={program} "), encoding="utf-8")
    done = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60, check=False)
    # verify exits 0 even for an unknown key or a bad value, and says so: any line it prints is a fault
    assert done.returncode == 0 and done.stdout.strip() == "" and done.stderr.strip() == "", done.stderr


def test_systemd_analyze_verify_finds_a_fault(tmp_path: Path) -> None:
    """The check above can fail: a misspelt key and a bad value are reported."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian's package systemd)")
    bad = tmp_path / "bad.service"
    bad.write_text("[Service]\nExecStart=/bin/true\nProtectSystem=everything\nRestartt=on-failure\n", encoding="utf-8")
    done = subprocess.run([analyze, "verify", str(bad)], capture_output=True, text=True, timeout=60, check=False)
    assert "Restartt" in done.stderr and "everything" in done.stderr


BACKUP_UNITS = (ROOT / "deploy" / "est-bot-backup.service", ROOT / "deploy" / "est-bot-backup.timer")
AS_SERVICE = ROOT / "deploy" / "est-bot-as-service"


def test_the_backup_units_and_the_as_service_script_run_as_the_service() -> None:
    """The nightly backup and the one-off commands: the service's user, settings, secrets and data folder, and a
    folder of their own for the backups (a DynamicUser cannot write a folder root made beforehand)."""
    parser = configparser.RawConfigParser(strict=False, delimiters=("=",), comment_prefixes=("#", ";"))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read(BACKUP_UNITS[0], encoding="utf-8")
    service = dict(parser["Service"])
    main = dict(unit()["Service"])
    for key in ("DynamicUser", "User", "EnvironmentFile", "WorkingDirectory", "StateDirectoryMode"):
        assert service[key] == main[key], key
    assert service["StateDirectory"] == "est-bot est-bot-backups"
    assert 'est-bot backup "/var/lib/est-bot-backups/' in service["ExecStart"]
    script = AS_SERVICE.read_text(encoding="utf-8")
    for needed in (
        "-p DynamicUser=yes -p User=est-bot",
        "-p StateDirectory=est-bot-backups",
        "-p EnvironmentFile=/etc/est-bot/est-bot.env",
        "EST_CONFIG=/etc/est-bot/est-bot.toml",
    ):
        assert needed in script, needed
    assert AS_SERVICE.stat().st_mode & 0o111, "executable"
    assert subprocess.run(["sh", "-n", str(AS_SERVICE)], check=False).returncode == 0


def test_the_backup_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian's package systemd)")
    program = tmp_path / "est-bot"
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    copies = []
    for path in BACKUP_UNITS:
        copy = tmp_path / path.name
        copy.write_text(path.read_text(encoding="utf-8").replace("/opt/est-bot/bin/est-bot", str(program)), "utf-8")
        copies.append(str(copy))
    done = subprocess.run([analyze, "verify", *copies], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "" and done.stderr.strip() == "", done.stderr

"""What an install from the wheel gets: the version, the resources, the migrations, the window."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import tomllib
import zipfile
from email.parser import Parser
from importlib.metadata import version
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

import console
from console.cli import main
from console.views.app import ErrorReport, report_unexpected_errors

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]


def test_version_prints_the_name_and_the_version_from_pyproject(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"dispatch-console {VERSION}\n"
    assert console.__version__ == version("dispatch-console") == VERSION


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The sdist and the wheel built from it, as `python -m build` makes them for a release."""
    pytest.importorskip("build", reason="building the wheel needs the `build` package")
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    warnings = [
        line
        for line in (built.stdout + built.stderr).lower().splitlines()
        if ("warning" in line or "deprecat" in line) and "byte-compiling is disabled" not in line
    ]
    assert not warnings, "the build has no licence or package-data warnings"
    (path,) = out.glob(f"dispatch_console-{VERSION}-py3-none-any.whl")
    return zipfile.ZipFile(path)


@pytest.mark.timeout(300)
def test_the_wheel_carries_fonts_licences_vocabulary_icon_and_migrations(
    wheel: zipfile.ZipFile,
) -> None:
    names = set(wheel.namelist())

    shipped = {
        "console/resources/fonts/DejaVuSans.ttf",
        "console/resources/fonts/DejaVuSans-Bold.ttf",
        "console/resources/fonts/DroidSansFallbackFull.ttf",
        "console/resources/fonts/LICENSE-DejaVu.txt",
        "console/resources/fonts/LICENSE-DroidSansFallback.txt",
        "console/resources/demo/vocabulary.json",
        "console/resources/icons/dispatch-console.svg",
        "console/resources/icons/dispatch-console-256.png",
        "console/resources/icons/dispatch-console.ico",
        "console/resources/icons/dispatch-console.icns",
        "console/migrations/env.py",
        "console/migrations/script.py.mako",
        f"dispatch_console-{VERSION}.dist-info/licenses/resources/fonts/LICENSE-DejaVu.txt",
    }
    assert shipped <= names
    migrations = sorted(p.name for p in (ROOT / "console/migrations/versions").glob("[0-9]*.py"))
    assert migrations
    assert {f"console/migrations/versions/{name}" for name in migrations} <= names
    packages = {
        str(init.relative_to(ROOT).as_posix()) for init in (ROOT / "console").rglob("__init__.py")
    }
    assert packages <= names, "every package of the source tree ships"
    assert not any(name.startswith(("resources/", "tests/", "bench/")) for name in names)


@pytest.mark.timeout(300)
def test_the_wheel_declares_its_licence_and_its_command(wheel: zipfile.ZipFile) -> None:
    info = f"dispatch_console-{VERSION}.dist-info"
    metadata = Parser().parsestr(wheel.read(f"{info}/METADATA").decode("utf-8"))

    assert metadata["Name"] == "dispatch-console"
    assert metadata["Version"] == VERSION
    assert metadata["License-Expression"] == "LicenseRef-Proprietary"
    assert "Private :: Do Not Upload" in metadata.get_all("Classifier", [])
    entry_points = wheel.read(f"{info}/entry_points.txt").decode("utf-8")
    assert "dispatch-console = console.cli:main" in entry_points


@pytest.mark.timeout(120)
def test_the_window_starts_on_a_fresh_data_folder_and_leaves_when_smoke_tested(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    env = {
        **os.environ,
        "CONSOLE_DATA_DIR": str(data),
        "CONSOLE_SMOKE_QUIT_MS": "100",
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("CONSOLE_DATABASE_URL", None)

    started = subprocess.run(
        [sys.executable, "-m", "console"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=110,
    )

    assert started.returncode == 0, started.stderr
    assert started.stdout.startswith("dispatch-console: window shown at ")
    assert (data / "console.sqlite").exists()
    assert (data / "console.log").exists()


@pytest.mark.expect_log("console.views.app", logging.ERROR, match="unexpected error")
def test_an_error_in_a_smoke_start_goes_to_stderr_and_fails_the_start(
    qtbot, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    log_file = tmp_path / "console.log"
    report = ErrorReport(log_file, smoke=True)
    report_unexpected_errors(report)

    # Raised on a worker thread, as by a pool job that outlives the window: nobody is there to
    # close a message box, so none may open.
    worker = threading.Thread(
        target=lambda: sys.excepthook(RuntimeError, RuntimeError("relay is gone"), None)
    )
    worker.start()
    worker.join()
    qtbot.wait(100)  # the message travels to the GUI thread

    assert report.failed
    assert capsys.readouterr().err == (
        f"dispatch-console: Something went wrong: relay is gone (details in {log_file})\n"
    )
    assert QApplication.activeModalWidget() is None

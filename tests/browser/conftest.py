"""Fixtures for the real-browser tests: Debian Chromium via Playwright, one JupyterLab server.

With ``CI=true`` a missing Chromium or Playwright FAILS the run; locally the tests skip
with a message saying what to install. Nothing here downloads a browser: never run
``playwright install``; Chromium comes from ``apt-get install -y chromium``.

Fixtures meant for every browser test (``test_deck.py`` included):

- ``browser``: a Playwright ``Browser`` (session). Every ``browser.new_context()`` /
  ``browser.new_page()`` starts clean; Playwright launches Chromium with a fresh temporary
  profile (it refuses ``--user-data-dir`` in ``launch()`` and makes its own).
- ``offline_page``: a page in a fresh context where every request that is not ``file:``,
  ``data:`` or ``blob:`` is aborted and recorded in ``page.blocked_requests`` (a list of
  URLs); also ``page.dialogs`` (messages of any alert/confirm/prompt, which are dismissed)
  and ``page.console_errors``.
- ``artifacts_dir``: ``<repo>/test-artifacts/`` (git-ignored) for screenshots.
- ``jupyterlab``: a running JupyterLab 4 server (session) in a temporary folder, see
  :class:`LabServer`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from ._lab import watch_page

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:", "blob:")
HERE = pathlib.Path(__file__).resolve().parent


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def _unavailable(reason: str) -> None:
    """Fail in CI (the browser suite must run there), skip locally with the reason."""
    if in_ci():
        pytest.fail(f"CI=true but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason} (with CI=true this is a failure)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/browser/ carries the ``browser`` marker."""
    for item in items:
        if HERE in pathlib.Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def find_chromium() -> str:
    """Path of Debian's Chromium (override with EW_CHROMIUM), checking Playwright is importable.

    Missing either: ``pytest.fail`` with CI=true, ``pytest.skip`` otherwise.
    """
    path = os.environ.get("EW_CHROMIUM", DEFAULT_CHROMIUM)
    if importlib.util.find_spec("playwright") is None:
        _unavailable("the Python package playwright is not installed (pip install playwright)")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        _unavailable(
            f"no Chromium at {path} (apt-get install -y chromium; do not run `playwright install`)"
        )
    return path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return find_chromium()


def launch_chromium(pw: Any, path: str = DEFAULT_CHROMIUM) -> Any:
    """Debian's Chromium, headless, no background traffic; Playwright gives it a fresh
    temporary profile (``launch()`` refuses ``--user-data-dir``)."""
    return pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch_chromium(pw, chromium_path)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> pathlib.Path:
    """Screenshots and other files kept after the run (git-ignored, collected by CI)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def offline_context(browser: Any, **context_kwargs: Any) -> tuple[Any, list[str]]:
    """A new context where every request that is not file:/data:/blob: is aborted and recorded."""
    # Requests a service worker makes would not pass through the route below: no workers.
    ctx = browser.new_context(**{"service_workers": "block", **context_kwargs})
    blocked: list[str] = []

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(LOCAL_SCHEMES):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    ctx.route("**/*", route)
    # WebSockets do not pass through ctx.route.
    if hasattr(ctx, "route_web_socket"):  # Playwright >= 1.48

        def route_ws(ws: Any) -> None:
            blocked.append(ws.url)
            ws.close()

        ctx.route_web_socket("**/*", route_ws)
    return ctx, blocked


@pytest.fixture
def offline_page(browser: Any) -> Iterator[Any]:
    """A fresh page that cannot reach anything but file:/data:/blob: (see module docstring)."""
    ctx, blocked = offline_context(browser, viewport={"width": 1280, "height": 800})
    page = watch_page(ctx.new_page())
    page.blocked_requests = blocked
    try:
        yield page
    finally:
        ctx.close()


# --------------------------------------------------------------------------------------------
# JupyterLab
# --------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LabServer:
    """A JupyterLab server on 127.0.0.1; ``root`` is its (temporary) notebook folder."""

    root: pathlib.Path
    port: int
    token: str
    process: subprocess.Popen[bytes]
    log_path: pathlib.Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}/{path.lstrip('/')}{sep}token={self.token}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def api(self, path: str) -> bytes:
        req = urllib.request.Request(
            f"{self.base}/{path.lstrip('/')}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=5) as resp:
            return bytes(resp.read())

    def shutdown_kernels(self) -> None:
        """Stop every kernel (tests call this after closing their page)."""
        import json

        for k in json.loads(self.api("api/kernels")):
            req = urllib.request.Request(
                f"{self.base}/api/kernels/{k['id']}",
                method="DELETE",
                headers={"Authorization": f"token {self.token}"},
            )
            with contextlib.suppress(urllib.error.URLError):
                urllib.request.urlopen(req, timeout=10).close()


def _lab_env(tmp: pathlib.Path) -> dict[str, str]:
    env = dict(os.environ)
    # Isolate from the user's settings, workspaces and runtime files.
    for var, sub in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
    ):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(tmp / sub)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["MPLBACKEND"] = "Agg"
    env.pop("ANYWIDGET_HMR", None)
    # The kernel inherits this environment: make the package importable from a plain checkout.
    if importlib.util.find_spec("explainwidgets") is None:
        src = str(ROOT / "src")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    return env


@contextlib.contextmanager
def start_jupyterlab(timeout: float = 60) -> Iterator[LabServer]:
    """Run JupyterLab 4 on 127.0.0.1 (free port, random token) from a temporary folder.

    Isolated from the user's Jupyter config, settings and workspaces; no update checks,
    no news. Stopped (kernels first) and the folder removed on exit.
    """
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="ew-lab-"))
    root = tmp / "notebooks"
    root.mkdir()
    port = _free_port()
    token = secrets.token_hex(16)
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}",
        "--ServerApp.open_browser=False",
        "--LabApp.expose_app_in_browser=True",
        # No network: no update checks, no news, no extension manager listing.
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=None",
        "--LabApp.extension_manager=readonly",
        "--ServerApp.terminals_enabled=False",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        f"--LabApp.user_settings_dir={_user_settings(tmp)}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = tmp / "jupyterlab.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(cmd, cwd=root, env=_lab_env(tmp), stdout=log, stderr=subprocess.STDOUT)
    server = LabServer(root=root, port=port, token=token, process=proc, log_path=log_path)
    try:
        _wait_until_up(server, timeout=timeout)
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.shutdown_kernels()
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()
        if ARTIFACTS.exists():
            shutil.copy(log_path, ARTIFACTS / "jupyterlab.log")
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def jupyterlab(chromium_path: str) -> Iterator[LabServer]:
    """One JupyterLab server for the whole session (see :func:`start_jupyterlab`)."""
    if importlib.util.find_spec("jupyterlab") is None:
        _unavailable("jupyterlab is not installed (pip install jupyterlab)")
    with start_jupyterlab() as server:
        yield server


def _user_settings(tmp: pathlib.Path) -> pathlib.Path:
    """Lab settings for a quiet, deterministic test UI (no news toast, no autosave)."""
    import json

    settings = tmp / "user-settings"
    ann = settings / "@jupyterlab" / "apputils-extension"
    ann.mkdir(parents=True, exist_ok=True)
    (ann / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    docm = settings / "@jupyterlab" / "docmanager-extension"
    docm.mkdir(parents=True, exist_ok=True)
    (docm / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    return settings


def _wait_until_up(server: LabServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited early:\n{server.log()[-4000:]}")
        try:
            server.api("api/status")
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"jupyter lab did not answer within {timeout} s:\n{server.log()[-4000:]}")

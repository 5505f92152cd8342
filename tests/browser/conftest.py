"""Browser tests: Debian's chromium driven by Playwright against a real `mkt serve` process (the API and the web
pages, all in one, on a port of its own) on the local stack. Screenshots of key pages go to
test-artifacts/browser/<test>/ (git-ignored)."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import unique_email

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PASSWORD = "Browser-pass-123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def web_base_url(stack) -> Iterator[str]:
    """A real server process (`mkt serve`) for the browser to talk to, with this test session's flags key and
    search alias (tests/conftest.py sets them), and a rate limit raised for one browser clicking fast."""
    port = _free_port()
    log_path = ARTIFACTS / "server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "RATE_LIMIT_PER_MINUTE": "100000", "RATE_LIMIT_BURST": "10000",
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
           # A journey cannot wait out the 14-day return window: delivered earnings are payable at once, so the
           # admin journey can process a payout.
           "RETURN_WINDOW_DAYS": "0"}
    mkt = str(Path(sys.executable).with_name("mkt"))
    with log_path.open("ab") as log:
        proc = subprocess.Popen([mkt, "serve", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        # Generous: with other test sessions busy on the same 2 cores, start-up and /readyz each took tens of s.
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"mkt serve exited with {proc.returncode}; see {log_path}")
            try:
                if httpx.get(f"{base}/readyz", timeout=30).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"mkt serve not ready in 300 s; see {log_path}")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def api(web_base_url) -> Iterator[httpx.Client]:
    """The public API of the same server, for setting up what a journey starts from (never for its steps)."""
    with httpx.Client(base_url=web_base_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def playwright_browser():
    """Per module: Playwright's sync API runs an event loop in this thread while it is open, and the async tests
    (pytest-asyncio) cannot start theirs meanwhile; tests/conftest.py also runs the browser tests last."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


class Shots:
    """Screenshots of a journey's key pages, numbered in the order taken."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.n = folder, 0
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, name: str) -> Path:
        self.n += 1
        path = self.folder / f"{self.n:02d}-{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shots(request) -> Shots:
    return Shots(ARTIFACTS / re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name))


@pytest.fixture
def new_page(playwright_browser, web_base_url):
    """new_page(phone=False) → a fresh browser context (own cookies) on the server; closed after the test."""
    contexts = []

    def make(phone: bool = False):
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = playwright_browser.new_context(base_url=web_base_url, viewport=viewport)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person does."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # The form posts through hx-boost (no navigation event): wait for the signed-in page, or the problem shown.
    page.locator('main:not([data-role="anonymous"]), [role="alert"]').first.wait_for()


def create_staff(role: str = "super_admin") -> str:
    """A super_admin or staff account through the CLI (there is no open endpoint for either)."""
    email = unique_email(role.replace("_", "-"))
    mkt = str(Path(sys.executable).with_name("mkt"))
    subprocess.run([mkt, "admin", "create", "--email", email, "--password", PASSWORD, "--role", role],
                   check=True, capture_output=True)
    return email


@pytest.fixture(scope="session")
def admin_email(web_base_url) -> str:
    return create_staff("super_admin")


@pytest.fixture(scope="session")
def staff_email(web_base_url) -> str:
    return create_staff("staff")


def register_shopper(api: httpx.Client, name: str = "Ada Shopper") -> str:
    email = unique_email("web-shopper")
    resp = api.post("/v1/auth/register", json={"email": email, "password": PASSWORD, "name": name})
    assert resp.status_code == 201, resp.text
    return email


def api_token(api: httpx.Client, email: str, password: str = PASSWORD) -> str:
    resp = api.post("/v1/auth/login", json={"email": email, "password": password})
    assert resp.status_code == 200, resp.text
    return resp.json()["accessToken"]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"

"""Browser tests: Playwright driving the system's Chromium (never a downloaded one).

Skipped, with the reason, when the `playwright` package or /usr/bin/chromium is
missing; CI installs both (`apt-get install chromium fonts-wqy-microhei`,
`pip install playwright`). Screenshots of every page go to screenshots/ at the
top of the checkout (git-ignored).
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT, serving
from tests.fixtures.web.make_db import annotate, codebook, fixture_db, real_annotations

CHROMIUM = Path(os.environ.get("PLEA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SCREENSHOTS = ROOT / "screenshots"


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install playwright)")
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture(scope="session")
def shoot():
    """shoot(page, name): a full-page screenshot in screenshots/<name>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(pg, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path
    return take


@pytest.fixture(scope="session")
def real_db(browser, built_db) -> Path:
    """The whole corpus, built as `plea build` builds it (tests/conftest.py's
    session build, shared with the other tests that read a built database).
    Until the build has its tagging and reference stages, hand-written tags and
    references on the provisions the tests visit stand in for them."""
    db = built_db
    conn = sqlite3.connect(db)
    has_tags = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'tags'").fetchone()
    conn.close()
    if not has_tags:
        annotate(db, real_annotations(), codebook(shared=True))
    return db


@pytest.fixture(scope="session")
def real_site(real_db):
    with serving(real_db) as base:
        yield base


@contextmanager
def serving_with(db: Path, **env: str):
    """`plea serve` on ``db`` with these environment variables (the annotation
    store, the accounts), set only while the server starts."""
    mp = pytest.MonkeyPatch()
    for key, value in env.items():
        mp.setenv(key, value)
    server = serving(db)
    try:
        base = server.__enter__()
    finally:
        mp.undo()
    try:
        yield base
    finally:
        server.__exit__(None, None, None)


@pytest.fixture(scope="session")
def fixture_site(browser, tmp_path_factory):
    with serving(fixture_db(tmp_path_factory.mktemp("web"))) as base:
        yield base

"""Shared fixtures: the real corpus (when ../shared is beside the checkout) and a parse helper."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from plea.corpus.model import Document, ParseContext
from plea.corpus.parsers import get_parser

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


def real_corpus() -> Path | None:
    env = os.environ.get("PLEA_SOURCES")
    path = Path(env) if env else SHARED_CORPUS
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    path = real_corpus()
    if path is None:
        pytest.skip("the real corpus (../shared/corpus) is not beside this checkout")
    return path


@pytest.fixture(scope="session")
def built_db(corpus_dir, tmp_path_factory) -> Path:
    """The whole corpus built once per session as `plea build` builds it: every stage,
    the reference coding when annotate/reference/coding.jsonl is there, and no
    annotation store (an empty path is given, so a store in the checkout never leaks
    in). Tests read it; the few that change a database copy it first."""
    from plea.pipeline import run_build

    tmp = tmp_path_factory.mktemp("built")
    db = tmp / "plea.db"
    run_build(sources_dir=corpus_dir, db_path=db, annotations=tmp / "no-annotations.db")
    return db


def two_statutes(directory: Path) -> tuple[Path, Path]:
    """A writable sources directory holding two fixture statutes (Chinese and German
    Markdown) under ``directory``, and their manifest: the small corpus the build,
    reuse and table tests rebuild."""
    import shutil
    sources = directory / "sources"
    for name in ("cn_markdown", "de_markdown"):
        shutil.copytree(FIXTURES / name, sources / name)
    manifest = directory / "manifest.toml"
    manifest.write_bytes((FIXTURES / "manifests" / "two-statutes.toml").read_bytes())
    return sources, manifest


def parse_bytes(parser: str, data: bytes, *, source_id: str = "test", path: str = "<test>",
                lang: str = "en", short_title: str = "", **options) -> Document:
    ctx = ParseContext(source_id=source_id, path=path, lang=lang,
                       short_title=short_title, options=options)
    return get_parser(parser)(data, ctx)


def parse_path(parser: str, path: Path, **kw) -> Document:
    return parse_bytes(parser, path.read_bytes(), path=str(path), **kw)


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db: Path, *, cwd: Path | None = None, env: dict[str, str] | None = None):
    """Run `plea serve` on ``db`` (a real Datasette) and yield its base URL;
    ``cwd`` and ``env`` are those of the server process (default: this one's)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "plea.cli", "serve", "--db", str(db),
                             "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True, cwd=cwd, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode() if proc.stdout else ""
                    pytest.fail(f"datasette did not start: {out}")
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def tree_shape(doc: Document) -> list[tuple]:
    """What a parse produced, node by node: for comparing two parses of one text."""
    return [(n.eid, n.kind, n.num, n.heading, n.text, n.wrapup, n.citation)
            for n, _ in doc.walk()]


def encoding_variants(data: bytes, *, gb18030: bool = False) -> dict[str, bytes]:
    """The same UTF-8 text as UTF-8 with a BOM, with CRLF line ends, and (Chinese) GB18030."""
    variants = {"bom": b"\xef\xbb\xbf" + data, "crlf": data.replace(b"\n", b"\r\n")}
    if gb18030:
        variants["gb18030"] = data.decode("utf-8").encode("gb18030")
    return variants

"""Building the database: parse every source, check fidelity, write, swap in.

The build writes a temporary file beside the target and replaces the target
with ``os.replace`` only when everything succeeded, so a failed build leaves
the previous database untouched. Sources whose files and parser are unchanged
since the previous build are copied from it instead of being parsed again.
Later pipeline steps (tagging, references) plug in as ``stages``: callables
run on the new database before the swap, so ``corpus`` needs to know nothing
about them.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

import sqlite_utils

from . import fidelity, reuse, store
from .parallel import map_items
from .errors import SourceError
from .model import Document, Node, ParseContext
from .parsers import PARSERS, get_parser
from .sources import Source, file_path, file_states

Stage = Callable[[sqlite_utils.Database], object]
NamedStage = tuple[str, Stage]
Progress = Callable[[Source, str], None]
StageProgress = Callable[[str, float, "str | None"], None]
# A source file larger than this is refused before it is read (``$PLEA_MAX_SOURCE_MB``):
# parsing holds the text, the tree and the rows in memory at once, several times the file.
DEFAULT_MAX_SOURCE_MB = 64


@dataclass
class SourceResult:
    source: Source
    action: str                      # parsed | reused | missing | mismatch | error
    seconds: float = 0.0
    provisions: int = 0
    counts: dict = field(default_factory=dict)
    residue: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def counts_ok(self) -> bool | None:
        if not self.source.expected:
            return None
        return all(self.counts.get(k) == v for k, v in self.source.expected.items())


@dataclass
class BuildReport:
    db_path: Path
    results: list[SourceResult]
    seconds: float
    alignments: int = 0
    stages: list[tuple[str, float, str | None]] = field(default_factory=list)

    @property
    def provisions(self) -> int:
        return sum(r.provisions for r in self.results)

    @property
    def problems(self) -> list[str]:
        out = []
        for r in self.results:
            if r.residue:
                out.append(f"{r.source.id}: {len(r.residue)} residue: {r.residue[0]}")
            if r.counts_ok is False:
                out.append(f"{r.source.id}: counts {r.counts} differ from expected "
                           f"{r.source.expected}")
            if r.action in ("mismatch", "error") or (r.action == "missing"
                                                      and not r.source.missing):
                out.append(f"{r.source.id}: {r.message}")
        return out


def parser_version(name: str) -> str:
    """Changes whenever any code the parser runs changes: the import closure of its
    module (shared helpers such as ``markdown_common``, ``safe_xml``, the readers) and
    of the modules that turn its tree into rows and check it."""
    module = PARSERS[name]
    return reuse.code_key([module, "corpus.store", "corpus.fidelity", "corpus.model"])


def parse_source(source: Source, sources_dir: Path) -> tuple[Document, list[fidelity.FidelityReport]]:
    """Parse every file of a source; several files merge into one tree by eid."""
    parse = get_parser(source.parser or "")
    docs, reports = [], []
    for file in source.files:
        path = file_path(sources_dir, file)
        check_size(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise SourceError(str(path), "file not found") from None
        ctx = ParseContext(source_id=source.id, path=str(path), lang=source.lang,
                           short_title=source.short_title or source.title,
                           options=dict(source.options))
        doc = parse(data, ctx)
        docs.append(doc)
        reports.append(fidelity.check(doc))
    return merge_documents(docs), reports


def max_source_bytes() -> int:
    """The largest source file a build reads: ``$PLEA_MAX_SOURCE_MB`` megabytes."""
    value = os.environ.get("PLEA_MAX_SOURCE_MB", "").strip()
    try:
        return int(float(value) * 1e6) if value else DEFAULT_MAX_SOURCE_MB * 1_000_000
    except ValueError:
        raise SourceError("$PLEA_MAX_SOURCE_MB", f"not a number: {value!r}") from None


def check_size(path: Path) -> None:
    """Refuse a file too large to parse in memory, before reading it, saying how to
    raise the limit (a parse holds several times the file's size)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    limit = max_source_bytes()
    if size > limit:
        raise SourceError(str(path), (
            f"{_size(size)} is more than the {_size(limit)} a source file may "
            f"have; split it into several files of the source, or raise the limit with "
            f"`plea build --max-source-mb N` (or $PLEA_MAX_SOURCE_MB)"))


def _size(n: float) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 1e5 else f"{n / 1e3:,.1f} kB"


def _parse_job(item: tuple[Source, Path]):
    """A source parsed into rows in a worker process: (rows, reports, meta) or the error."""
    source, sources_dir = item
    try:
        doc, reports = parse_source(source, sources_dir)
    except SourceError as exc:
        # Sent back as its fields: an exception whose __init__ takes other arguments than
        # its args cannot be unpickled, and the pool would wait for it for ever.
        return ("error", exc.path, exc.message, exc.line, exc.column, exc.where)
    return store.document_rows(doc, source), reports, doc.meta


def merge_documents(docs: list[Document]) -> Document:
    """One tree from several files: nodes with the same eid are one node."""
    if len(docs) == 1:
        return docs[0]
    merged = Document(title=docs[0].title, nodes=[], body_text="",
                      meta={"files": [d.meta for d in docs]})

    def merge_into(siblings: list[Node], node: Node) -> None:
        twin = next((s for s in siblings if s.eid == node.eid), None)
        if twin is None:
            siblings.append(node)
            return
        for child in node.children:
            merge_into(twin.children, child)

    for doc in docs:
        for root in doc.nodes:
            merge_into(merged.nodes, root)
    return merged


def build(db_path: Path, sources: Iterable[Source], sources_dir: Path, *,
          stages: Iterable[NamedStage] = (), progress: Progress | None = None,
          force: bool = False, keep_going: bool = False, jobs: int = 1,
          stage_progress: StageProgress | None = None) -> BuildReport:
    """Build the database at ``db_path``; raise SourceError on bad input (unless
    ``keep_going``), leaving any previous database as it was."""
    started = time.perf_counter()
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    sources = list(sources)
    results: list[SourceResult] = []
    stage_times: list[tuple[str, float, str | None]] = []
    try:
        db = sqlite_utils.Database(tmp)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        store.create_schema(db)
        build_id = db["builds"].insert({
            "started": _now(), "status": "running", "sources_dir": str(sources_dir),
        }).last_pk
        previous = None if force else _attach_previous(db, db_path)
        parsed = _parse_ahead(db, sources, sources_dir, previous, jobs)
        for source in sources:
            result = _build_source(db, source, sources_dir, previous, keep_going, parsed)
            results.append(result)
            db["build_log"].insert({
                "build_id": build_id, "source_id": source.id, "action": result.action,
                "seconds": round(result.seconds, 3), "provisions": result.provisions,
                "message": result.message or None,
            })
            if progress:
                progress(source, result.action)
        if previous:
            db.execute(f"DETACH DATABASE {previous}")
        alignments = align_translations(db, sources)
        store.build_search(db)
        for name, stage in stages:
            t0 = time.perf_counter()
            outcome = stage(db)
            seconds = time.perf_counter() - t0
            db["build_log"].insert({"build_id": build_id, "source_id": None, "action": f"stage:{name}",
                                    "seconds": round(seconds, 3),
                                    "message": _outcome(outcome)})
            stage_times.append((name, seconds, _outcome(outcome)))
            if stage_progress:
                stage_progress(name, seconds, _outcome(outcome))
        db["builds"].update(build_id, {"finished": _now(), "status": "ok"})
        db.execute("PRAGMA journal_mode = DELETE")
        db.conn.commit()
        db.close()
        os.replace(tmp, db_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BuildReport(db_path, results, time.perf_counter() - started, alignments, stage_times)


def _outcome(value: object) -> str | None:
    """A stage's return value as one line for the log (a count, or a report's summary)."""
    if value is None:
        return None
    summary = getattr(value, "summary", None)
    if callable(summary):
        return str(summary())
    return str(value)[:500]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _attach_previous(db: sqlite_utils.Database, db_path: Path) -> str | None:
    """Attach the last good database, if it has this schema version, for reuse."""
    if not db_path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.close()
    except sqlite3.DatabaseError:
        return None
    if version != store.SCHEMA_VERSION:
        return None
    db.execute("ATTACH DATABASE ? AS prev", [f"file:{db_path}?mode=ro"])
    return "prev"


def _reusable(db: sqlite_utils.Database, alias: str, source: Source,
              sha: list[str | None], version: str) -> dict | None:
    row = db.execute(f"SELECT sha256, parser_version, status FROM {alias}.sources WHERE id = ?",
                     [source.id]).fetchone()
    if row and row[0] == json.dumps(sha) and row[1] == version and row[2] == "present":
        return next(db.query(f"SELECT * FROM {alias}.sources WHERE id = ?", [source.id]), None)
    return None


def _source_row(source: Source) -> dict:
    return {
        "id": source.id, "work": source.work, "title": source.title,
        "title_en": source.title_en or None, "short_title": source.short_title or None,
        "jurisdiction": source.jurisdiction, "kind": source.kind, "issuer": source.issuer or None,
        "version": source.version or None, "in_force": source.in_force,
        "language": source.language, "format": source.format, "parser": source.parser,
        "paths": json.dumps([f.path for f in source.files], ensure_ascii=False) if source.files else None,
        "url": source.url or None, "licence": source.licence or None,
        "provenance": source.provenance or None, "note": source.note or None,
        "translation_of": source.translation_of,
        "expected": json.dumps(source.expected) if source.expected else None,
        "doc_number": source.doc_number or None, "supplies": source.supplies or None,
    }


def _parse_ahead(db: sqlite_utils.Database, sources: list[Source], sources_dir: Path,
                 previous: str | None, jobs: int):
    """Parse, in ``jobs`` worker processes, the sources the loop will not reuse; an
    iterator of results in source order (None for reused ones). One job parses in the
    loop itself, so memory holds one source at a time."""
    if jobs <= 1:
        return None
    todo = []
    for source in sources:
        if source.missing or not source.files:
            continue
        states = file_states(source, sources_dir)
        if any(s.state == "missing" for s in states):
            continue
        sha = [s.sha256 for s in states]
        if (previous and not any(s.state == "mismatch" for s in states)
                and _reusable(db, previous, source, sha, parser_version(source.parser or ""))):
            continue
        todo.append(source)
    return _InOrder([s.id for s in todo],
                    map_items(_parse_job, [(s, sources_dir) for s in todo], jobs=jobs))


class _InOrder:
    """Parse results taken one by one as the loop reaches their source, so the
    parent holds only what the workers have finished ahead of it."""
    def __init__(self, ids: list[str], results):
        self.ids, self.results, self.next = ids, results, 0

    def __contains__(self, source_id: str) -> bool:
        return source_id in self.ids[self.next:self.next + 1]

    def __getitem__(self, source_id: str):
        self.next += 1
        return next(self.results)


def _build_source(db: sqlite_utils.Database, source: Source, sources_dir: Path,
                  previous: str | None, keep_going: bool,
                  parsed: dict | None = None) -> SourceResult:
    t0 = time.perf_counter()
    row = _source_row(source)
    if source.missing:
        db["sources"].insert({**row, "status": "missing"})
        return SourceResult(source, "missing", message=source.note)
    states = file_states(source, sources_dir)
    absent = [s.path for s in states if s.state == "missing"]
    if absent:
        db["sources"].insert({**row, "status": "missing"})
        return SourceResult(source, "missing", message="file not found: " + ", ".join(absent))
    sha = [s.sha256 for s in states]
    mismatch = [s.path for s in states if s.state == "mismatch"]
    version = parser_version(source.parser or "")
    row.update({"sha256": json.dumps(sha), "parser_version": version,
                "status": "mismatch" if mismatch else "present"})
    if previous and not mismatch and (old := _reusable(db, previous, source, sha, version)):
        db["sources"].insert({**old, **row})
        n = store.copy_source_rows(db, previous, source.id)
        return SourceResult(source, "reused", time.perf_counter() - t0, n,
                            json.loads(old["counts"] or "{}"),
                            json.loads(old["meta"] or "{}").get("residue", []))
    try:
        if parsed is not None and source.id in parsed:
            done = parsed[source.id]
            if done[0] == "error":
                _, path, message, line, column, where = done
                raise SourceError(path, message, line=line, column=column, where=where)
            rows, reports, meta = done
        else:
            doc, reports = parse_source(source, sources_dir)
            rows, meta = store.document_rows(doc, source), doc.meta
    except SourceError as exc:
        if not keep_going:
            raise
        db["sources"].insert({**row, "status": "error", "note": str(exc)})
        return SourceResult(source, "error", time.perf_counter() - t0, message=str(exc))
    # Insert the source first: the other tables' rows refer to it.
    level_counts = store.counts(rows.provisions)
    residue = [str(r) for rep in reports for r in rep.residue]
    db["sources"].insert({
        **row, "provisions": sum(1 for r in rows.provisions if r["kind"] != "container"),
        "articles": level_counts.get("article") or level_counts.get("rule")
        or level_counts.get("section"),
        "commentary": len(rows.commentary), "bibliography": len(rows.bibliography),
        "fidelity_ok": int(not residue), "residue": len(residue),
        "counts": json.dumps(level_counts),
        "counts_ok": None if not source.expected else int(
            all(level_counts.get(k) == v for k, v in source.expected.items())),
        "meta": json.dumps({**_jsonable(meta), "residue": residue[:50]}, ensure_ascii=False),
    })
    store.write_rows(db, rows)
    for file, rep in zip(source.files, reports):
        db["fidelity"].insert({
            "source_id": source.id, "file": file.path, "body_chars": rep.body_chars,
            "parsed_chars": rep.parsed_chars, "ok": int(rep.ok),
            "residue": json.dumps([str(r) for r in rep.residue], ensure_ascii=False),
        })
    result = SourceResult(source, "mismatch" if mismatch else "parsed",
                          time.perf_counter() - t0,
                          sum(1 for r in rows.provisions if r["kind"] != "container"),
                          level_counts, residue)
    if mismatch:
        result.message = "checksum differs from the manifest: " + ", ".join(mismatch)
    return result


def _jsonable(value):
    try:
        json.dumps(value)
        return value
    except TypeError:
        return json.loads(json.dumps(value, default=str))


def align_translations(db: sqlite_utils.Database, sources: Iterable[Source]) -> int:
    """Pair a translation's provisions with the original's by eid."""
    total = 0
    present = {r["id"] for r in db.query("SELECT id FROM sources WHERE status IN ('present', 'mismatch')")}
    for source in sources:
        original = source.translation_of
        if not original or source.id not in present or original not in present:
            continue
        db.execute(
            "INSERT INTO alignments (provision_id, target_id, source_id, target_source_id, kind, method) "
            "SELECT o.id, t.id, o.source_id, t.source_id, 'translation', 'eid' "
            "FROM provisions o JOIN provisions t ON t.eid = o.eid "
            "WHERE o.source_id = ? AND t.source_id = ?", [original, source.id])
        total += db.execute("SELECT changes()").fetchone()[0]
    return total


def reuse_build(db_path: Path, sources: Iterable[Source], sources_dir: Path, key: str
                ) -> BuildReport | None:
    """When the last build at ``db_path`` recorded the same build ``key`` (same sources,
    code, data and options), copy it — with this build logged — instead of building:
    a rebuild with nothing changed costs a file copy. None when it cannot be reused."""
    started = time.perf_counter()
    db_path = Path(db_path)
    if not db_path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            same = (conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
                    and reuse.previous_keys(conn, "main").get("build") == key)
            counts = {r[0]: r[1:] for r in conn.execute(
                "SELECT id, status, provisions, counts, meta FROM sources")} if same else {}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None
    if not same:
        return None
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(db_path, tmp)
        db = sqlite_utils.Database(tmp)
        build_id = db["builds"].insert({"started": _now(), "status": "running",
                                        "sources_dir": str(sources_dir)}).last_pk
        results = []
        for source in sources:
            status, n, level_counts, meta = counts.get(source.id, ("missing", 0, None, None))
            action = "reused" if status in ("present", "mismatch") else status
            results.append(SourceResult(source, action, 0.0, n or 0,
                                        json.loads(level_counts or "{}"),
                                        json.loads(meta or "{}").get("residue", [])))
            db["build_log"].insert({"build_id": build_id, "source_id": source.id,
                                    "action": action, "seconds": 0.0, "provisions": n or 0,
                                    "message": "nothing changed since the last build"})
        db["builds"].update(build_id, {"finished": _now(), "status": "ok"})
        db.conn.commit()
        db.close()
        os.replace(tmp, db_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BuildReport(db_path, results, time.perf_counter() - started)

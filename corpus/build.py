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

import ctypes
import ctypes.util
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
from .checks import MAX_PER_KIND, Problem, document_problems
from .errors import BuildFailed, ConfigError, SourceError
from .parallel import map_items
from .model import Document, Node, ParseContext
from .parsers import get_parser, parser_info
from .sources import Source, file_path, file_states, max_source_bytes
from .tables import create_tables

Stage = Callable[[sqlite_utils.Database], object]
NamedStage = tuple[str, Stage]
Progress = Callable[[Source, str], None]
StageProgress = Callable[[str, float, "str | None"], None]

# The build connection's page cache (kB): room for the provisions indexes of 100x the corpus,
# an eighth of the 4 GB such a build may use.
BUILD_CACHE_KB = 512_000


@dataclass
class SourceResult:
    source: Source
    action: str                      # parsed | reused | missing | mismatch | error
    seconds: float = 0.0
    provisions: int = 0
    counts: dict = field(default_factory=dict)
    residue: list[str] = field(default_factory=list)
    message: str = ""
    problems: list[Problem] = field(default_factory=list)

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
        """Every failed check, one line each (with --keep-going, what was accepted)."""
        return [str(p) for r in self.results for p in r.problems]

    @property
    def accepted(self) -> list[str]:
        """The kinds of problem the build went past (only with --keep-going)."""
        return sorted({p.kind for r in self.results for p in r.problems})


def parser_version(name: str) -> str:
    """Changes whenever any code the parser runs changes: the import closure of its
    module (shared helpers such as ``markdown_common``, ``safe_xml``, the readers) and
    of the modules that turn its tree into rows and check it."""
    return reuse.code_key([parser_info(name).module, "plea.corpus.store", "plea.corpus.fidelity",
                           "plea.corpus.model", "plea.corpus.checks"])


def parse_source(source: Source, sources_dir: Path, *, max_bytes: int | None = None
                 ) -> tuple[Document, list[fidelity.FidelityReport], list[Problem]]:
    """Parse every file of a source; several files merge into one tree by eid.

    Returns the tree, a fidelity report per file and the problems the parsed
    documents report (parser error logs, numbering, control characters).
    """
    parse = get_parser(source.parser or "")
    limit = max_source_bytes(max_bytes)
    docs, reports, problems = [], [], []
    for file in source.files:
        path = file_path(sources_dir, file, source.id)
        data = _read_limited(path, limit)
        ctx = ParseContext(source_id=source.id, path=str(path), lang=source.lang,
                           short_title=source.short_title or source.title,
                           options=dict(source.options))
        doc = parse(data, ctx)
        del data  # the tree is built; let a large file's bytes go before the next one
        docs.append(doc)
        reports.append(fidelity.check(doc))
        problems += document_problems(source.id, doc, file.path)
    return merge_documents(docs), reports, problems


def _read_limited(path: Path, limit: int) -> bytes:
    """A source file's bytes, refusing one larger than ``limit`` before reading it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise SourceError(str(path), "file not found") from None
    if not path.is_file():
        raise SourceError(str(path), "is not a regular file")
    if size > limit:
        raise SourceError(str(path), f"{size / 1048576:.1f} MB is over the limit of "
                                     f"{limit / 1048576:.0f} MB per source (raise it with "
                                     "--max-source-mb or $PLEA_MAX_SOURCE_MB)")
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)   # the file may have grown since stat()
    if len(data) > limit:
        raise SourceError(str(path), f"over the limit of {limit / 1048576:.0f} MB per source")
    return data


def _parse_job(item: tuple[Source, Path, int | None]):
    """A source parsed into rows in a worker process: (rows, reports, meta, problems)
    or the error."""
    source, sources_dir, max_bytes = item
    try:
        doc, reports, problems = parse_source(source, sources_dir, max_bytes=max_bytes)
    except SourceError as exc:
        # Sent back as its fields: an exception whose __init__ takes other arguments than
        # its args cannot be unpickled, and the pool would wait for it for ever.
        return ("error", exc.path, exc.message, exc.line, exc.column, exc.where)
    # the search form too: the parent would otherwise compute it for every row
    return store.with_search_text(store.document_rows(doc, source)), reports, doc.meta, problems


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
          force: bool = False, keep_going: bool = False,
          max_source_bytes: int | None = None, jobs: int = 1,
          stage_progress: StageProgress | None = None) -> BuildReport:
    """Build the database at ``db_path``, leaving any previous database as it was
    when anything fails.

    A source the parser refuses raises SourceError; any failed check (see
    :mod:`plea.corpus.checks`) raises BuildFailed listing them all. With
    ``keep_going`` both are recorded and the build goes on; the report's
    ``accepted`` names what was let through. ``progress`` is called with
    ``"parsing"`` before a source and with its action after. ``jobs`` worker processes
    parse the sources that are not reused (results in source order, so the database is
    the same for any number); ``stage_progress`` hears of each stage as it ends.
    """
    started = time.perf_counter()
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    refuse_foreign_database(db_path)
    remove_stale_temp_files(db_path)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    sources = list(sources)
    results: list[SourceResult] = []
    stage_times: list[tuple[str, float, str | None]] = []
    try:
        db = sqlite_utils.Database(tmp)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        # SQLite's default page cache is 2 MB: once the provisions table's indexes (the
        # text primary key above all, filled in no sorted order) and the search index
        # outgrow it, every insert reads pages back from the file, and storing grows
        # faster than the rows (13 minutes for 100x the corpus against 34 s for 10x).
        # The cache only grows as the file does.
        db.execute(f"PRAGMA cache_size = -{BUILD_CACHE_KB}")
        store.create_schema(db)
        build_id = db["builds"].insert({
            "started": _now(), "status": "running", "sources_dir": str(sources_dir),
        }).last_pk
        previous = None if force else _attach_previous(db, db_path)
        parsed = _parse_ahead(db, sources, sources_dir, previous, jobs, max_source_bytes)
        for source in sources:
            if progress:
                progress(source, "parsing")
            result = _build_source(db, source, sources_dir, previous, keep_going,
                                   max_source_bytes, parsed)
            results.append(result)
            db["build_log"].insert({
                "build_id": build_id, "source_id": source.id, "action": result.action,
                "seconds": round(result.seconds, 3), "provisions": result.provisions,
                "message": "; ".join(filter(None, [result.message, *map(str, result.problems[:5])]))
                or None,
            })
            if progress:
                progress(source, result.action)
        if previous:
            db.execute(f"DETACH DATABASE {previous}")
        problems = [p for r in results for p in r.problems]
        if problems and not keep_going:
            raise BuildFailed([str(p) for p in problems])
        alignments = align_translations(db, sources)
        store.build_search(db)
        _release_cache(db)
        create_tables(db)   # every declared table, empty until a stage fills it
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
        accepted = sorted({p.kind for p in problems})
        db["builds"].update(build_id, {
            "finished": _now(), "status": "accepted" if accepted else "ok",
            "message": ("accepted with --keep-going: " + ", ".join(accepted)) if accepted else None})
        db.execute("PRAGMA journal_mode = DELETE")
        db.conn.commit()
        db.close()
        _fsync(tmp)
        os.replace(tmp, db_path)
        _fsync(db_path.parent)   # the rename itself must reach the disk
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BuildReport(db_path, results, time.perf_counter() - started, alignments, stage_times)


def _fsync(path: Path) -> None:
    """Flush a file (or a directory's entries) to disk, so a crash after the
    rename cannot leave a renamed but empty database."""
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot fsync a directory; nothing more to do
    finally:
        os.close(fd)


def refuse_foreign_database(db_path: Path) -> None:
    """Refuse to replace a file that is not a plea database (a typo in --db
    must not overwrite someone's thesis.docx or another SQLite file)."""
    if not db_path.exists():
        return
    if not db_path.is_file():
        raise ConfigError(f"{db_path}: exists and is not a file; choose another --db")
    if db_path.stat().st_size == 0:
        return  # an empty file holds nothing to lose
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        tables = set()
    if not {"sources", "provisions", "builds"} <= tables:
        raise ConfigError(f"{db_path}: exists and is not a plea database; refusing to "
                          "overwrite it (choose another --db, or remove the file yourself)")


def remove_stale_temp_files(db_path: Path) -> list[Path]:
    """Delete ``.<name>.<pid>.tmp`` files left by builds that were killed.

    A file whose process still runs belongs to a build in progress and stays.
    """
    removed = []
    prefix = f".{db_path.name}."
    for path in db_path.parent.glob(f".{db_path.name}.*.tmp"):
        pid = path.name[len(prefix):-len(".tmp")]
        if not pid.isdigit() or (int(pid) != os.getpid() and _alive(int(pid))):
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True   # someone else's process
    return True


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
                 previous: str | None, jobs: int, max_bytes: int | None):
    """Parse, in ``jobs`` worker processes, the sources the loop will not reuse; their
    results come in source order. One job parses in the loop itself, so memory holds
    one source at a time."""
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
                    map_items(_parse_job, [(s, sources_dir, max_bytes) for s in todo],
                              jobs=jobs))


class _InOrder:
    """Parse results taken one by one as the loop reaches their source, so the
    parent holds only what the workers have finished ahead of it."""
    def __init__(self, ids: list[str], results):
        self.ids, self.results, self.next = ids, results, 0

    def __contains__(self, source_id: str) -> bool:
        return source_id in self.ids[self.next:self.next + 1]

    def __getitem__(self, source_id: str):
        self.next += 1
        result = next(self.results)
        if self.next == len(self.ids):
            self.results.close()      # the last one: let the workers go now
        return result


def _build_source(db: sqlite_utils.Database, source: Source, sources_dir: Path,
                  previous: str | None, keep_going: bool,
                  max_bytes: int | None = None, parsed: "_InOrder | None" = None
                  ) -> SourceResult:
    t0 = time.perf_counter()
    row = _source_row(source)
    if source.missing:
        db["sources"].insert({**row, "status": "missing"})
        return SourceResult(source, "missing", message=source.note)
    states = file_states(source, sources_dir)
    absent = [s.path for s in states if s.state == "missing"]
    if absent:
        db["sources"].insert({**row, "status": "missing"})
        message = "file not found: " + ", ".join(absent)
        return SourceResult(source, "missing", message=message,
                            problems=[Problem(source.id, "missing file", message)])
    sha = [s.sha256 for s in states]
    mismatch = [s.path for s in states if s.state == "mismatch"]
    checksum = [Problem(source.id, "checksum mismatch",
                        f"{s.path}: sha256 {s.sha256} differs from the manifest")
                for s in states if s.state == "mismatch"]
    version = parser_version(source.parser or "")
    row.update({"sha256": json.dumps(sha), "parser_version": version,
                "status": "mismatch" if mismatch else "present"})
    if previous and not mismatch and (old := _reusable(db, previous, source, sha, version)):
        db["sources"].insert({**old, **row})
        n = store.copy_source_rows(db, previous, source.id)
        meta = json.loads(old["meta"] or "{}")
        counts = json.loads(old["counts"] or "{}")
        # What the earlier parse found still holds: a reused source is checked again.
        problems = [Problem(source.id, p["kind"], p["message"]) for p in meta.get("problems", [])
                    if p.get("kind") != "count mismatch"]
        problems += _count_problems(source, counts)
        return SourceResult(source, "reused", time.perf_counter() - t0, n, counts,
                            meta.get("residue", []), problems=problems)
    try:
        if parsed is not None and source.id in parsed:
            done = parsed[source.id]
            if done[0] == "error":
                _, path, message, line, column, where = done
                raise SourceError(path, message, line=line, column=column, where=where)
            rows, reports, meta, problems = done
        else:
            doc, reports, problems = parse_source(source, sources_dir, max_bytes=max_bytes)
            rows, meta = store.document_rows(doc, source), doc.meta
            del doc
    except SourceError as exc:
        if not keep_going:
            raise
        db["sources"].insert({**row, "status": "error", "note": str(exc)})
        return SourceResult(source, "error", time.perf_counter() - t0, message=str(exc),
                            problems=[*checksum, Problem(source.id, "parse error", str(exc))])
    # Insert the source first: the other tables' rows refer to it.
    level_counts = store.counts(rows.provisions)
    residue = [str(r) for rep in reports for r in rep.residue]
    problems = [*checksum,
                *(Problem(source.id, "residue", r) for r in residue[:MAX_PER_KIND]),
                *problems, *_count_problems(source, level_counts)]
    db["sources"].insert({
        **row, "provisions": sum(1 for r in rows.provisions if r["kind"] != "container"),
        "articles": level_counts.get("article") or level_counts.get("rule")
        or level_counts.get("section"),
        "commentary": len(rows.commentary), "bibliography": len(rows.bibliography),
        "fidelity_ok": int(not residue), "residue": len(residue),
        "counts": json.dumps(level_counts),
        "counts_ok": None if not source.expected else int(
            all(level_counts.get(k) == v for k, v in source.expected.items())),
        "meta": json.dumps({**_jsonable(meta), "residue": residue[:50],
                            "problems": [p.as_dict() for p in problems]}, ensure_ascii=False),
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
                          level_counts, residue, problems=problems)
    if mismatch:
        result.message = "checksum differs from the manifest: " + ", ".join(mismatch)
    return result


def _release_cache(db: sqlite_utils.Database) -> None:
    """Give the storing phase's page cache back before the stages fork their workers,
    which would each start with it resident (a 100x build peaked at 4.3 GB with it).
    SQLite frees the pages; glibc keeps freed heap memory unless asked to return it."""
    db.execute("PRAGMA cache_size = -2000")
    db.execute("PRAGMA shrink_memory")
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):          # not glibc: the memory stays allocated
        pass


def _count_problems(source: Source, counts: dict) -> list[Problem]:
    wrong = {k: (counts.get(k, 0), v) for k, v in source.expected.items() if counts.get(k, 0) != v}
    if not wrong:
        return []
    return [Problem(source.id, "count mismatch", ", ".join(
        f"{k} {got}, manifest expects {want}" for k, (got, want) in wrong.items()))]


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


def reuse_build(db_path: Path, sources: Iterable[Source], sources_dir: Path, key: str, *,
                keep_going: bool = False) -> BuildReport | None:
    """When the last build at ``db_path`` recorded the same build ``key`` (same sources,
    code, data and options), copy it — with this build logged — instead of building:
    a rebuild with nothing changed costs a file copy. None when it cannot be reused,
    and None when its sources had problems the last build accepted with --keep-going
    and this one does not accept (the full build then says what they are)."""
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
                "SELECT id, status, provisions, counts, meta, note FROM sources")} if same else {}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None
    if not same:
        return None
    results = []
    for source in sources:
        status, n, level_counts, meta, note = counts.get(
            source.id, ("missing", 0, None, None, None))
        action = "reused" if status in ("present", "mismatch") else status
        meta = json.loads(meta or "{}")
        problems = [Problem(source.id, p["kind"], p["message"])
                    for p in meta.get("problems", [])]
        if status == "error":
            problems.append(Problem(source.id, "parse error", note or ""))
        results.append(SourceResult(source, action, 0.0, n or 0,
                                    json.loads(level_counts or "{}"),
                                    meta.get("residue", []), message=note or "",
                                    problems=problems))
    accepted = sorted({p.kind for r in results for p in r.problems})
    if accepted and not keep_going:
        return None
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(db_path, tmp)
        db = sqlite_utils.Database(tmp)
        build_id = db["builds"].insert({"started": _now(), "status": "running",
                                        "sources_dir": str(sources_dir)}).last_pk
        for r in results:
            db["build_log"].insert({"build_id": build_id, "source_id": r.source.id,
                                    "action": r.action, "seconds": 0.0,
                                    "provisions": r.provisions,
                                    "message": "nothing changed since the last build"})
        db["builds"].update(build_id, {
            "finished": _now(), "status": "accepted" if accepted else "ok",
            "message": ("accepted with --keep-going: " + ", ".join(accepted)) if accepted else None})
        db.conn.commit()
        db.close()
        _fsync(tmp)
        os.replace(tmp, db_path)
        _fsync(db_path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BuildReport(db_path, results, time.perf_counter() - started)

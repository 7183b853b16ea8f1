"""The source manifest, the sources directory and checksums.

The project ships ``corpus/sources.toml``; a scholar's own additions live in a
user manifest (``--manifest``, ``$PLEA_MANIFEST`` or ``./plea-sources.toml``)
that ``plea add`` appends to, so the shipped file never needs editing. Both
are validated against ``schemas/sources.schema.json``.
"""
from __future__ import annotations

import hashlib
import json
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath, PureWindowsPath

import jsonschema

from . import paths
from .errors import ConfigError
from .parsers import parser_info, parser_names

PACKAGE_DIR = Path(__file__).resolve().parent
BUILTIN_MANIFEST = PACKAGE_DIR / "sources.toml"
SCHEMA_DIR = PACKAGE_DIR.parent / "schemas"
USER_MANIFEST_NAME = paths.DEFAULTS["manifest"][1].name
DEFAULT_SOURCES = paths.SHARED / paths.SHARED_SOURCES
DEFAULT_MAX_SOURCE_MB = 16


@dataclass(frozen=True)
class SourceFile:
    path: str
    sha256: str | None = None


@dataclass
class Source:
    id: str
    work: str
    title: str
    jurisdiction: str
    kind: str
    language: str
    title_en: str = ""
    short_title: str = ""
    issuer: str = ""
    doc_number: str = ""          # 高检发〔2019〕13号
    supplies: str = ""            # what it gives the comparison (said when it is missing)
    version: str = ""
    in_force: str | None = None
    format: str | None = None
    parser: str | None = None
    files: list[SourceFile] = field(default_factory=list)
    url: str = ""
    licence: str = ""
    provenance: str = ""
    options: dict = field(default_factory=dict)
    expected: dict = field(default_factory=dict)
    translation_of: str | None = None
    status: str = "present"
    note: str = ""
    manifest: str = ""            # which manifest file declared it

    @property
    def lang(self) -> str:
        """The language code parsers and taggers use: zh, en or de."""
        return self.language.split("-")[0]

    @property
    def missing(self) -> bool:
        return self.status == "missing"


@dataclass
class FileState:
    path: str
    state: str                    # present | missing | mismatch
    sha256: str | None = None     # what the file on disk hashes to


@lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads((SCHEMA_DIR / "sources.schema.json").read_text(encoding="utf-8"))


def read_manifest(path: Path) -> list[Source]:
    """Read and validate one manifest file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: manifest not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}): not a manifest") from None
    errors = sorted(jsonschema.Draft202012Validator(_schema()).iter_errors(data),
                    key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top)"
        entry = ""
        if len(first.absolute_path) >= 2 and first.absolute_path[0] == "source":
            entry = f" (source id {data['source'][first.absolute_path[1]].get('id', '?')!r})"
        raise ConfigError(f"{path}: manifest invalid at {where}{entry}: {first.message}")
    sources = []
    for raw in data["source"]:
        raw = dict(raw)
        files = raw.pop("files", None)
        if files is None and "path" in raw:
            files = [{"path": raw.pop("path"), "sha256": raw.pop("sha256", None)}]
        raw.pop("sha256", None)
        source = Source(**raw, files=[SourceFile(**f) for f in files or []], manifest=str(path))
        for file in source.files:
            if (why := check_relative(file.path)):
                raise ConfigError(f"{path}: source {source.id!r}: path {file.path!r} {why}")
        if source.parser and source.parser not in parser_names():
            raise ConfigError(f"{path}: source {source.id!r} names unknown parser "
                              f"{source.parser!r}; known: {', '.join(parser_names())}")
        sources.append(source)
    return sources


def user_manifest_path(option: str | os.PathLike | None = None) -> Path:
    return paths.manifest_path(option)


def load_sources(user_manifest: str | os.PathLike | None = None) -> list[Source]:
    """The shipped manifest plus the user manifest, when there is one.

    A user entry with the id of a shipped one replaces it (e.g. to point the
    missing Guiding Opinions at a file the scholar has obtained).
    """
    sources = {s.id: s for s in read_manifest(BUILTIN_MANIFEST)}
    user = user_manifest_path(user_manifest)
    if user.is_file():
        for source in read_manifest(user):
            sources[source.id] = source
    elif user_manifest:
        raise ConfigError(f"{user}: manifest not found")
    return list(sources.values())


def resolve_sources_dir(option: str | os.PathLike | None = None) -> Path:
    """--sources, else $PLEA_SOURCES, else ../shared/corpus (from here or the checkout)."""
    if option:
        path = Path(option)
        if not path.is_dir():
            raise ConfigError(f"sources directory {path} does not exist")
        return path
    if os.environ.get("PLEA_SOURCES"):
        path = Path(os.environ["PLEA_SOURCES"])
        if not path.is_dir():
            raise ConfigError(f"$PLEA_SOURCES={path} is not a directory")
        return path
    found = paths.shared_dir(paths.SHARED_SOURCES)
    if found:
        return found
    raise ConfigError(
        "no sources directory: pass --sources DIR, set PLEA_SOURCES, "
        "or put the texts in ../shared/corpus (see README, 'Sources')")


def check_relative(path: str) -> str | None:
    """Why a manifest path may not be used (absolute, or climbing out with ``..``), or None.

    Checked on the text alone, so a manifest is refused before any file is opened.
    """
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute() or PureWindowsPath(path).drive:
        return "is absolute; paths are relative to the sources directory"
    if ".." in pure.parts:
        return "contains '..'; paths must stay inside the sources directory"
    return None


def file_path(sources_dir: Path, file: SourceFile, source_id: str = "") -> Path:
    """Where ``file`` lives: always inside ``sources_dir``, symlinks resolved.

    A path that is absolute, climbs out with ``..`` or resolves (through a
    symlink) outside the sources directory is refused with a ConfigError, so no
    file elsewhere on the machine (``/etc/passwd``) can become provisions.
    """
    who = f"source {source_id!r}: " if source_id else ""
    if (why := check_relative(file.path)):
        raise ConfigError(f"{who}path {file.path!r} {why}")
    root = Path(sources_dir).resolve()
    path = (root / file.path).resolve()
    if path != root and root not in path.parents:
        raise ConfigError(f"{who}path {file.path!r} leads to {path}, outside the sources "
                          f"directory {root} (a symlink?); refused")
    return path


def max_source_bytes(option: int | None = None) -> int:
    """The size limit per source file: the option, else $PLEA_MAX_SOURCE_MB, else 16 MB.

    The largest real source is 2 MB. A 16 MB Chinese statute builds in about two
    minutes with 0.8 GB of memory on the 2-core machine (tagging is most of it),
    and both grow with the size: a file far beyond that is a mistake (or an
    attack), not a statute; raise the limit to build one anyway.
    """
    if option is not None:
        return option
    raw = os.environ.get("PLEA_MAX_SOURCE_MB")
    if raw:
        try:
            return int(float(raw) * 1024 * 1024)
        except ValueError:
            raise ConfigError(f"$PLEA_MAX_SOURCE_MB={raw!r} is not a number of megabytes") from None
    return DEFAULT_MAX_SOURCE_MB * 1024 * 1024


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_states(source: Source, sources_dir: Path) -> list[FileState]:
    states = []
    for file in source.files:
        path = file_path(sources_dir, file, source.id)
        if not path.is_file():
            states.append(FileState(file.path, "missing"))
            continue
        actual = sha256_file(path)
        ok = file.sha256 is None or file.sha256 == actual
        states.append(FileState(file.path, "present" if ok else "mismatch", actual))
    return states


def _toml_value(value) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def add_source(file: Path, *, source_id: str, work: str, parser: str, title: str,
               jurisdiction: str, kind: str, language: str, sources_dir: Path | None,
               manifest: Path, file_format: str | None = None, **extra) -> Source:
    """Append an entry for ``file`` to the user manifest and return it (validated)."""
    if parser not in parser_names():
        raise ConfigError(f"unknown format {parser!r}; known: {', '.join(parser_names())}")
    if not file.is_file():
        raise ConfigError(f"{file}: file not found")
    existing = {s.id for s in load_sources(manifest if manifest.is_file() else None)}
    if source_id in existing and manifest.is_file() and source_id in {
            s.id for s in read_manifest(manifest)}:
        raise ConfigError(f"{manifest}: a source with id {source_id!r} is already there")
    resolved = file.resolve()
    # The build reads only inside the sources directory, so the file must be there.
    if sources_dir is None:
        raise ConfigError(f"{file}: no sources directory to add it to; pass --sources DIR "
                          "or set PLEA_SOURCES")
    try:
        path = resolved.relative_to(sources_dir.resolve()).as_posix()
    except ValueError:
        raise ConfigError(f"{file}: not inside the sources directory {sources_dir.resolve()}; "
                          "copy it there first (the build reads no file elsewhere)") from None
    entry = {"id": source_id, "work": work, "title": title, "jurisdiction": jurisdiction,
             "kind": kind, "language": language,
             "format": file_format or parser_info(parser).file_format,
             "parser": parser, "path": path, "sha256": sha256_file(resolved),
             **{k: v for k, v in extra.items() if v not in (None, "", {})}}
    block = "\n[[source]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in entry.items())
    header = "" if manifest.is_file() else (
        "# Sources added by this research group (plea add); merged with the shipped manifest.\n"
        "version = 1\n")
    previous = manifest.read_text(encoding="utf-8") if manifest.is_file() else None
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text((previous or header) + block, encoding="utf-8")
    try:
        added = next(s for s in read_manifest(manifest) if s.id == source_id)
    except ConfigError:
        # Leave the user's manifest as it was: a half-valid file would block every build.
        if previous is None:
            manifest.unlink()
        else:
            manifest.write_text(previous, encoding="utf-8")
        raise
    return added

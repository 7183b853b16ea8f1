"""The one place the project loads XML: a parser that refuses hostile input.

Sources come from the public web, so an XML file is treated as untrusted:

* no entity declarations at all — internal ones are the "billion laughs"
  expansion bomb, external ones (``SYSTEM "file:///etc/passwd"``) read local
  files or the network (XXE). Legal sources never need them;
* no DTD loading, no network access, no ``huge_tree`` (libxml2 keeps its
  limits on depth and text size);
* a syntax error becomes one :class:`~corpus.errors.SourceError` line with the
  file, line and column instead of an lxml traceback.
"""
from __future__ import annotations

import re

from lxml import etree

from ..errors import SourceError

# libxml2 appends ", line L, column C" to its messages; the place goes into
# SourceError's own fields instead.
_PLACE_SUFFIX = re.compile(r",\s*line\s+\d+,\s*column\s+\d+\s*$")
# Entity declarations live only in a DOCTYPE's internal subset. Looking for
# them before libxml2 runs keeps an expansion bomb from ever being expanded.
_DOCTYPE = re.compile(r"<!DOCTYPE\b")
_ENTITY_DECL = re.compile(r"<!ENTITY\s+(%\s+)?([^\s>]+)\s+(SYSTEM|PUBLIC)?")


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers keep state and are not thread-safe.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=False)


def parse_xml(data: bytes, path: str, errors: list[str] | None = None) -> etree._Element:
    """Parse ``data`` (read from ``path``) and return the root element.

    The bytes go to lxml undecoded so that the XML declaration and any BOM
    decide the encoding, as the XML specification requires. Errors libxml2
    logs without stopping (an undefined namespace prefix …) are appended to
    ``errors`` as ``line L: message``, for the build to report.
    """
    if not data.strip():
        raise SourceError(path, "empty file: no XML document")
    _refuse_entity_declarations(data, path)
    parser = _parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, None)
        message = _PLACE_SUFFIX.sub("", exc.msg or "malformed XML")
        raise SourceError(path, f"malformed XML: {message}", line=line or None,
                          column=column or None) from None
    except ValueError as exc:  # e.g. a Unicode string with an encoding declaration
        raise SourceError(path, f"cannot read as XML: {exc}") from None
    _refuse_entities(root, path)
    if errors is not None:
        errors += logged_errors(parser.error_log)
    return root


def logged_errors(log) -> list[str]:
    """The entries of a libxml2 error log at level error or worse, one line each."""
    return [f"line {e.line}: {_PLACE_SUFFIX.sub('', e.message).strip()}"
            for e in log if e.level >= etree.ErrorLevels.ERROR]


def _refuse_entity_declarations(data: bytes, path: str) -> None:
    text = _scannable(data)
    doctype = _DOCTYPE.search(text)
    if not doctype:
        return
    decl = _ENTITY_DECL.search(text, doctype.end())
    if decl:
        line = text.count("\n", 0, decl.start()) + 1
        kind = ("external " if decl.group(3) else "") + \
            ("parameter entity" if decl.group(1) else "entity")
        raise SourceError(path, f"refused: the DTD declares {kind} {decl.group(2)!r}; "
                                "entity declarations are not allowed (XXE / entity expansion)",
                          line=line)


def _scannable(data: bytes) -> str:
    """Enough of a decoding to find markup: UTF-16 by its BOM or NUL bytes, else Latin-1."""
    head = data[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        return data.decode("utf-16", errors="replace")
    return data.decode("latin-1")


def _refuse_entities(root: etree._Element, path: str) -> None:
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:
        for entity in dtd.iterentities():
            where = f"external entity {entity.name!r} ({entity.system_url})" \
                if entity.system_url else f"entity {entity.name!r}"
            raise SourceError(path, f"refused: the DTD declares {where}; "
                                    "entity declarations are not allowed")
    # Belt and braces: an entity reference left unexpanded means a declaration
    # slipped past the check above (e.g. a parameter entity).
    for node in root.iter(etree.Entity):
        raise SourceError(path, f"refused: entity reference &{node.name};",
                          line=node.sourceline)

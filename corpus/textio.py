"""Turning source bytes into text: one place for encodings and line endings.

UTF-8, UTF-8 with a BOM, GB18030 (for Chinese sources) and CRLF/CR line
endings all give the same text, so every parser sees ``\\n`` line ends and no BOM.
"""
from __future__ import annotations

import codecs

from .errors import SourceError

FALLBACKS = {"zh": ("gb18030",)}


def decode(data: bytes, path: str, *, lang: str | None = None,
           encoding: str | None = None) -> str:
    """Decode ``data`` read from ``path``; raise :class:`SourceError` if it is not text."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _try(data, "utf-16", path)
        return normalise_newlines(text)
    candidates = [encoding] if encoding else ["utf-8", *FALLBACKS.get((lang or "")[:2], ())]
    first_error: UnicodeDecodeError | None = None
    for enc in candidates:
        try:
            return normalise_newlines(data.decode(enc))
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
        except LookupError:
            raise SourceError(path, f"unknown encoding {enc!r}") from None
    assert first_error is not None
    line = data.count(b"\n", 0, first_error.start) + 1
    col = first_error.start - (data.rfind(b"\n", 0, first_error.start) + 1) + 1
    tried = ", ".join(candidates)
    raise SourceError(path, f"not valid text in {tried} (byte 0x{data[first_error.start]:02x})",
                      line=line, column=col)


def _try(data: bytes, enc: str, path: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        raise SourceError(path, f"not valid {enc} at byte {exc.start}") from None


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path, *, lang: str | None = None, encoding: str | None = None) -> str:
    """Read and decode a file; a missing file is a :class:`SourceError`."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise SourceError(str(path), "file not found") from None
    except IsADirectoryError:
        raise SourceError(str(path), "is a directory, not a file") from None
    return decode(data, str(path), lang=lang, encoding=encoding)

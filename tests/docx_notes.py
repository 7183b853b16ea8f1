"""Reading a DOCX's footnotes back: from its footnotes part (python-docx has no
API for them) and, as Word's rival reads them, through LibreOffice headless."""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def footnotes(data: bytes) -> dict[int, str]:
    """Footnote id → its text, from word/footnotes.xml (separators left out)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/footnotes.xml"))
    out = {}
    for note in root.findall(f"{{{W}}}footnote"):
        if note.get(f"{{{W}}}type") in ("separator", "continuationSeparator"):
            continue
        out[int(note.get(f"{{{W}}}id"))] = "".join(
            t.text or "" for t in note.iter(f"{{{W}}}t")).strip()
    return out


def references(paragraph) -> list[int]:
    """The footnote ids a python-docx paragraph refers to."""
    return [int(r.get(f"{{{W}}}id")) for r in paragraph._element.iter(f"{{{W}}}footnoteReference")]


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_footnotes(data: bytes) -> list[tuple[str, str]]:
    """(mark, text) of every footnote LibreOffice finds when it opens the DOCX and
    saves it as OpenDocument (text:note with note-class footnote)."""
    with tempfile.TemporaryDirectory(prefix="plea-lo-") as tmp:
        src = Path(tmp) / "brief.docx"
        src.write_bytes(data)
        subprocess.run([soffice(), "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                        "--convert-to", "odt", "--outdir", tmp, str(src)],
                       check=True, capture_output=True, timeout=300)
        with zipfile.ZipFile(Path(tmp) / "brief.odt") as z:
            root = etree.fromstring(z.read("content.xml"))
    out = []
    for note in root.iter(f"{{{ODF_TEXT}}}note"):
        if note.get(f"{{{ODF_TEXT}}}note-class") != "footnote":
            continue
        mark = note.find(f"{{{ODF_TEXT}}}note-citation").text
        body = "".join(note.find(f"{{{ODF_TEXT}}}note-body").itertext()).strip()
        out.append((mark, body))
    return out

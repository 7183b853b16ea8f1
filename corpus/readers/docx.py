"""Word files (.docx), read with python-docx: body paragraphs and table cells in order."""
from __future__ import annotations

import io
import zipfile

from ..errors import SourceError


def read(data: bytes, path: str, *, lang: str | None = "zh") -> tuple[list[str], list[str]]:
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SourceError(path, f"not a readable Word (.docx) file: {exc}") from None
    paragraphs, places = [], []
    body = document.element.body
    # Walk the body's children so paragraphs and tables keep their reading order.
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraphs.append(docx.text.paragraph.Paragraph(child, document).text)
            places.append(f"paragraph {len(places) + 1}")
        elif tag == "tbl":
            table = docx.table.Table(child, document)
            for r, row in enumerate(table.rows, 1):
                for c, cell in enumerate(row.cells, 1):
                    for para in cell.paragraphs:
                        paragraphs.append(para.text)
                        places.append(f"table row {r} cell {c}")
    return paragraphs, places

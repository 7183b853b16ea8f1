"""A scholar makes a reform brief in the browser, on the whole corpus: ticks two
codes on the matrix, downloads the DOCX, and checks its quotations against the
corpus; then pins a provision and downloads Markdown from a code page."""
from __future__ import annotations

import re
import sqlite3

import docx
import pytest

pytest.importorskip("playwright", reason="the playwright package is not installed")
from playwright.sync_api import expect  # noqa: E402

from tests.docx_notes import footnotes  # noqa: E402

CODES = ("subjects.defense_counsel", "subjects.court")
PINNED = "cn-cpl-2018:art_174__para_1"
NOTE = re.compile(r"Corpus id: (\S+?)\.?$")


def corpus_texts(db, ids) -> dict[str, str]:
    conn = sqlite3.connect(db)
    marks = ", ".join("?" * len(ids))
    found = dict(conn.execute(f"SELECT id, text FROM provisions WHERE id IN ({marks})", list(ids)))
    conn.close()
    return found


def test_tick_two_codes_and_download_the_docx(page, real_site, real_db, shoot, tmp_path):
    page.goto(real_site + "/")
    page.evaluate("localStorage.clear()")
    page.reload()
    for code in CODES:
        page.locator(f"tr[data-code='{code}'] input[data-brief-code]").check()
    form = page.locator("#brief-form")
    for j in ("DE", "TW"):
        form.locator(f"input[name=jurisdiction][value={j}]").uncheck()
    form.locator("select[name=format]").select_option("docx")
    expect(form.locator("[data-brief-codes-list]")).to_contain_text(CODES[0])
    shoot(page, "14-brief-two-codes-ticked")
    with page.expect_download() as download:
        form.get_by_role("button", name="Download the brief").click()
    assert download.value.suggested_filename == "brief-subjects.defense_counsel-subjects.court.docx"
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)

    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0].startswith("Reform brief: Defence counsel, Court — CN, US")
    # the notes are Word footnotes, each ending with the quotation's corpus id
    ids = [m.group(1) for n in footnotes(path.read_bytes()).values() if (m := NOTE.search(n))]
    assert ids, "the brief has no notes with corpus ids"
    texts = corpus_texts(real_db, ids)
    quoted = [pid for pid in ids if pid in texts and texts[pid] in paragraphs]
    assert len(quoted) >= 4                          # provisions quoted verbatim, whole
    assert any(pid.startswith("cn-") for pid in quoted)
    assert any(pid.startswith("us-") for pid in quoted)
    assert not any(pid.startswith(("de-", "tw-")) for pid in quoted)


def test_pin_a_provision_and_download_from_a_code_page(page, real_site, real_db, shoot, tmp_path):
    page.goto(real_site + "/")
    page.evaluate("localStorage.clear()")
    page.goto(f"{real_site}/provision/cn-cpl-2018:art_174")
    pin = page.locator(f"button[data-pin='{PINNED}']")
    pin.click()
    expect(pin).to_have_text(re.compile("pinned"))
    page.goto(real_site + "/code/subjects.duty_lawyer")
    form = page.locator("#brief-form")
    expect(form.locator("[data-brief-pins-list]")).to_contain_text("第一百七十四条第一款")
    form.locator("input[data-brief-code]").check()            # include this code
    form.locator("select[name=format]").select_option("md")
    shoot(page, "15-brief-pinned-on-a-code-page")
    with page.expect_download() as download:
        form.get_by_role("button", name="Download the brief").click()
    path = tmp_path / "brief.md"
    download.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert download.value.suggested_filename == "brief-subjects.duty_lawyer.md"
    assert corpus_texts(real_db, [PINNED])[PINNED] in text
    assert f"`{PINNED}`" in text and "Duty lawyer" in text

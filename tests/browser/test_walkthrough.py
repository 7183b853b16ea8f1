"""What a scholar does first, in a real browser on the whole corpus: open the matrix,
follow the defence-counsel cells to the provisions, read them with their highlights,
follow a citation backwards, search in Chinese and English."""
from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright", reason="the playwright package is not installed")
from playwright.sync_api import expect  # noqa: E402

from plea.corpus.vocab import to_simplified  # noqa: E402

CODE = "subjects.defense_counsel"


def open_cell(page, base: str, jurisdiction: str):
    page.goto(base + "/")
    cell = page.locator(f"tr[data-code='{CODE}'] td[data-col='{jurisdiction}'] a.count")
    expect(cell).to_be_visible()
    cell.click()
    expect(page).to_have_url(re.compile(rf"/code/{re.escape(CODE)}\?jurisdiction={jurisdiction}$"))


def card(page, citation: re.Pattern):
    """The provision card whose citation matches, showing every provision if the
    column was cut short."""
    found = page.locator("article.provision-card").filter(
        has=page.locator("h3", has_text=citation))
    if not found.count() and page.get_by_role("link", name=re.compile("^Show all")).count():
        page.get_by_role("link", name=re.compile("^Show all")).first.click()
    expect(found.first).to_be_visible()
    return found.first


def test_matrix_is_the_home_page(page, real_site, shoot):
    page.goto(real_site + "/")
    expect(page.locator("h1")).to_contain_text("Plea negotiation compared")
    for col in ("CN", "US", "DE", "TW", "scholarship"):
        expect(page.locator(f"table.matrix thead th[data-col='{col}']")).to_be_visible()
    row = page.locator(f"tr[data-code='{CODE}']")
    expect(row).to_contain_text("Defence counsel")
    expect(row).to_contain_text("辩护人")
    # the definition expands
    row.locator("summary").click(position={"x": 2, "y": 2})
    expect(row.locator("p.definition")).to_be_visible()
    # Chinese is set in a CJK font, not boxes
    assert page.evaluate("document.fonts.check('16px \"WenQuanYi Micro Hei\"', '辩护人')")
    shoot(page, "01-matrix")


def test_cn_cell_leads_to_cpl_174_with_highlights(page, real_site, shoot):
    open_cell(page, real_site, "CN")
    art174 = card(page, re.compile("《刑事诉讼法》第一百七十四条"))
    marks = art174.locator("mark.tag")
    expect(marks.first).to_be_visible()
    assert "辩护人" in marks.all_inner_texts() or any("辩护" in m for m in marks.all_inner_texts())
    assert CODE in marks.first.get_attribute("title")
    shoot(page, "02-code-defense-counsel-CN")
    art174.locator("h3 a").click()
    expect(page.locator("h1")).to_contain_text("第一百七十四条")
    expect(page.locator(".provision-text mark.tag").first).to_be_visible()
    expect(page.locator(".breadcrumb")).to_contain_text("第三章 提起公诉")
    shoot(page, "03-provision-cpl-174")


def test_us_cell_leads_to_rule_11c1_and_a_backlink(page, real_site, shoot):
    open_cell(page, real_site, "US")
    rule = card(page, re.compile(r"^Fed\. R\. Crim\. P\. 11\(c\)\(1\)"))
    expect(rule.locator("mark.tag").first).to_be_visible()
    shoot(page, "04-code-defense-counsel-US")
    rule.locator("h3 a").click()
    expect(page.locator("h1")).to_have_text(re.compile(r"Fed\. R\. Crim\. P\. 11\(c\)\(1\)"))
    marks = page.locator(".provision-text mark.tag")
    expect(marks.first).to_be_visible()
    titles = [marks.nth(i).get_attribute("title") for i in range(marks.count())]
    assert any(CODE in t and "role:" in t and "modality:" in t for t in titles)
    expect(page.locator(".legend .swatch").first).to_be_visible()
    shoot(page, "05-provision-rule-11c1")
    backlink = page.locator("section.backlinks li a").first
    expect(backlink).to_be_visible()
    target = backlink.inner_text()
    backlink.click()
    expect(page.locator("h1")).to_have_text(target)
    # the citing text links back to where we came from
    expect(page.locator(".provision-text a.ref").first).to_have_attribute(
        "href", re.compile(r"/provision/us-frcrp:rule_11__subsec_c__para_1"))
    shoot(page, "06-backlink-followed")


@pytest.mark.parametrize("query,name,expected", [
    ("协商", "07-search-xieshang", "协商"),
    ("plea agreement", "08-search-plea-agreement", "plea"),
])
def test_search_box(page, real_site, shoot, query, name, expected):
    page.goto(real_site + "/search")
    box = page.get_by_role("searchbox")
    box.fill(query)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))
    results = page.locator("li.result")
    expect(results.first).to_be_visible()
    hits = page.locator("li.result mark.hit")
    expect(hits.first).to_be_visible()
    assert expected in to_simplified(hits.first.inner_text()).lower()   # 協商 is a hit for 协商 too
    for facet in ("jurisdiction", "source"):
        expect(page.locator(f"ul[data-facet='{facet}'] li").first).to_be_visible()
    shoot(page, name)


def test_taiwan_with_its_translation(page, real_site, shoot):
    page.goto(real_site + "/provision/tw-cpc-zh:art_455-4")
    expect(page.locator(".provision-text .pair.head")).to_contain_text("Translation")
    expect(page.locator(".unit[lang='zh-Hant']").first).to_be_visible()
    expect(page.locator(".unit.translation[lang='en']").first).to_be_visible()
    shoot(page, "09-provision-taiwan-zh-en")


def test_markup_in_a_source_is_shown_not_run(page, fixture_site, shoot):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ("/provision/xx-probe:sec_1", "/code/subjects.court", "/search?q=probe",
                 "/plea/provisions?source_id=xx-probe"):
        page.goto(fixture_site + path)
        expect(page.locator("body")).to_contain_text("<script>alert(")
    assert dialogs == []
    page.goto(fixture_site + "/provision/xx-probe:sec_1")
    shoot(page, "10-markup-probe")

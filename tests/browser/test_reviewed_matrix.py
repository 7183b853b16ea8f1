"""The matrix shows the reviewed picture, in a real browser on the whole corpus: roles and
modalities with their counts, most frequent first, reviewed ones marked; the reason of
every gap; and the "core provisions only" switch changes what a cell counts.

Needs the reference coding (annotate/reference/coding.jsonl) for the reviewed marks
and the core switch; skipped without it."""
from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright", reason="the playwright package is not installed")
from playwright.sync_api import expect  # noqa: E402

from plea.annotate.reference.coding import CODING_FILE  # noqa: E402

pytestmark = pytest.mark.skipif(not CODING_FILE.is_file(),
                                reason=f"no reference coding at {CODING_FILE}")
CODE = "subjects.court"
REASONS = ("reviewed and absent", "a source is missing", "no provision in the corpus")


def counted(cell) -> list[tuple[str, int]]:
    badges = cell.locator("span.badge.role")
    return [(badges.nth(i).get_attribute("data-value"), int(badges.nth(i).get_attribute("data-n")))
            for i in range(badges.count())]


def test_cells_count_and_order_roles_and_modalities(page, real_site, shoot):
    page.goto(real_site + "/")
    row = page.locator(f"tr[data-code='{CODE}']")
    de, us = row.locator("td[data-col='DE']"), row.locator("td[data-col='US']")
    expect(de.locator("span.badge.role[data-value='party']")).to_be_visible()
    expect(us.locator("span.badge.role[data-value='excluded']")).to_be_visible()
    for cell in (de, us):
        roles = counted(cell)
        assert roles and all(n >= 1 for _, n in roles)
        assert [n for _, n in roles] == sorted((n for _, n in roles), reverse=True)
        mods = cell.locator("span.badge.modality")
        ns = [int(mods.nth(i).get_attribute("data-n")) for i in range(mods.count())]
        assert ns and ns == sorted(ns, reverse=True)
        # reviewed ones are marked, and the count is on the badge itself
        expect(cell.locator("span.badge.role .rv").first).to_be_visible()
        expect(cell.locator("span.badge.role b.n").first).to_have_text(re.compile(r"^\d+$"))
        # the provisions that define the cell, core first
        expect(cell.locator("ul.cell-provisions li.core a").first).to_be_visible()
    # Rule 11(c)(1), where the court is kept out, is named in the US cell
    expect(us.locator("ul.cell-provisions")).to_contain_text("Fed. R. Crim. P. 11(c)(1)")
    shoot(page, "14-matrix-reviewed")


def test_every_gap_gives_its_reason(page, real_site):
    page.goto(real_site + "/")
    gaps = page.locator("table.matrix td.cell.gap:not([data-col='scholarship'])")
    assert gaps.count() > 0
    for i in range(gaps.count()):
        cell = gaps.nth(i)
        assert cell.get_attribute("data-gap") in ("reviewed-absent", "source-missing",
                                                  "no-provision")
        text = cell.locator(".gap-reason").inner_text()
        assert any(text.startswith(r) for r in REASONS), text
    # China's gaps name the texts the corpus lacks
    cn = page.locator("table.matrix td.cell.gap[data-col='CN']").first
    expect(cn.locator(".missing")).to_contain_text("2019 Guiding Opinions")


def test_core_switch_changes_the_cell(page, real_site, shoot):
    page.goto(real_site + "/")
    cell = page.locator(f"tr[data-code='{CODE}'] td[data-col='US']")
    before = int(cell.get_attribute("data-count"))
    page.locator("nav.core-switch a[data-core='1']").click()
    expect(page).to_have_url(re.compile(r"/\?core=1$"))
    expect(page.locator("nav.core-switch a[data-core='1']")).to_have_attribute("aria-current", "true")
    cell = page.locator(f"tr[data-code='{CODE}'] td[data-col='US']")
    after = int(cell.get_attribute("data-count"))
    # the core reading counts fewer provisions, all of them core, and leads to a code
    # page with the same switch on
    assert 0 < after < before
    shown = cell.locator("ul.cell-provisions li:not(.more)")
    assert shown.count() == cell.locator("ul.cell-provisions li.core").count()
    shoot(page, "15-matrix-core")
    cell.locator("a.count").click()
    expect(page).to_have_url(re.compile(rf"/code/{re.escape(CODE)}\?jurisdiction=US&core=1$"))
    cards = page.locator("section[data-col='US'] article.provision-card")
    expect(cards.first.locator(".badge.core")).to_be_visible()
    assert cards.count() == page.locator("section[data-col='US'] article .badge.core").count()
    # who decided each card's tags
    expect(cards.first.locator(".badge.decided-reference")).to_contain_text("reference coding v1")
    shoot(page, "16-code-court-US-core")

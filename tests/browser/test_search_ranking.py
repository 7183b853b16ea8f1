"""Search as a scholar uses it, in the browser, on the whole corpus: the provision
that answers the query comes first (issue 15's criteria). Expected provisions are
read off the texts: Rule 11(c)(1) is where the parties "may discuss and reach a
plea agreement"; Taiwan's art. 455-2 opens the 協商程序; § 257c StPO is the
Verständigung; CPL art. 173(2) names the 值班律师 whose opinions are heard."""
from __future__ import annotations

import re
import urllib.parse

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

from tests.test_search_ranking import RANKING  # noqa: E402


@pytest.mark.parametrize("query,top,prefix", RANKING)
def test_the_right_provision_comes_first(page, real_site, shoot, query, top, prefix):
    page.goto(real_site + "/search?q=" + urllib.parse.quote(query))
    results = page.locator("li.result")
    expect(results.first).to_be_visible()
    ids = results.evaluate_all("els => els.map(e => e.dataset.id)")[:top]
    assert any(i == prefix or i.startswith(prefix + "__") or i.startswith(prefix + ":")
               for i in ids), ids
    shoot(page, "10-search-" + re.sub(r"\W+", "-", query.encode("ascii", "ignore").decode()
                                      or "xieshang").strip("-"))


def test_a_phrase_search_lights_up_the_phrase_only(page, real_site):
    page.goto(real_site + "/search?q=" + urllib.parse.quote('"plea agreement"'))
    hits = page.locator("li.result mark.hit").all_inner_texts()
    assert hits and all(re.fullmatch(r"(?i)plea\s+agreements?", h) for h in hits), hits


def test_duty_lawyer_offers_the_chinese_provisions(page, real_site, shoot):
    page.goto(real_site + "/search?q=" + urllib.parse.quote("duty lawyer"))
    offer = page.locator("section.offer[data-code='subjects.duty_lawyer']")
    expect(offer).to_be_visible()
    cn = offer.locator("dd[data-col='CN'] a")
    expect(cn.first).to_be_visible()
    # the CPL article on hearing the duty lawyer's opinions is among them
    expect(offer.locator("dd[data-col='CN']")).to_contain_text("《刑事诉讼法》第一百七十三条第二款")
    # and each CN provision offered carries 值班律师 in its text
    href = cn.first.get_attribute("href")
    page.goto(real_site + href if href.startswith("/") else href)
    expect(page.locator(".provision-text").first).to_contain_text("值班律师")
    page.goto(real_site + "/search?q=Pflichtverteidiger")
    expect(page.locator("section.offer[data-code='subjects.duty_lawyer']")).to_be_visible()
    shoot(page, "11-search-pflichtverteidiger")


def test_count_line_agrees_in_number(page, real_site):
    page.goto(real_site + "/search?q=Absprache")
    expect(page.locator("p.count")).not_to_contain_text("1 provision and passages")

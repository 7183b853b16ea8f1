"""A scholar annotates in the browser, on the whole corpus: logs in, rejects a
wrong tag on CPL art. 174 ¶ 1, adds a missing one by selecting words in
¶ 2 (2), sees both at once — and the next `plea build` keeps both."""
from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys

import pytest

pytest.importorskip("playwright", reason="the playwright package is not installed")
from playwright.sync_api import expect  # noqa: E402

from tests.browser.conftest import serving_with  # noqa: E402
from tests.fixtures.web.inprocess import PASSWORDS, make_accounts  # noqa: E402

PAGE = "cn-cpl-2018:art_174"
REJECT_IN = "cn-cpl-2018:art_174__para_1"
ADD_IN = "cn-cpl-2018:art_174__para_2__item_2"   # 未成年犯罪嫌疑人的法定代理人、辩护人对…有异议的
WORDS = "法定代理人"
ADDED = "subjects.legal_representative"


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("team")
    return {"accounts": make_accounts(tmp / "annotators.json"), "store": tmp / "annotations.db",
            "tmp": tmp}


@pytest.fixture(scope="module")
def site(real_db, team):
    with serving_with(real_db, PLEA_ANNOTATORS=str(team["accounts"]),
                      PLEA_ANNOTATIONS=str(team["store"])) as base:
        yield base


@pytest.fixture(scope="module")
def decided(browser, site, team, shoot):
    """Log in as alice, reject a tag, add one; what was decided."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site}/provision/{PAGE}")
    page.get_by_role("link", name="Log in to annotate").first.click()
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill(PASSWORDS["alice"])
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(f"/provision/{PAGE}") + "$"))
    expect(page.locator(".plea-nav .annotator")).to_have_text("alice")

    # reject the first automatic tag of ¶ 1, with a note
    row = page.locator(f"section#tags tr[data-unit='{REJECT_IN}'][data-decision='auto']").first
    rejected = row.get_attribute("data-code")
    row.get_by_label("note").fill("not what this paragraph negotiates")
    row.get_by_role("button", name="Reject").click()
    expect(page.locator("p.message-info")).to_contain_text(f"Rejected {rejected}")

    # select the words in ¶ 2 (2): the form fills itself in
    page.evaluate("""([unit, words]) => {
        const el = document.querySelector(`.unit-text[data-unit="${unit}"]`);
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
            const at = node.data.indexOf(words);
            if (at >= 0) {
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + words.length);
                const sel = window.getSelection();
                sel.removeAllRanges();
                sel.addRange(range);
                document.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
                return;
            }
        }
        throw new Error("words not found");
    }""", [ADD_IN, WORDS])
    form = page.locator("form.add-tag")
    expect(form.locator("input[name=quote]")).to_have_value(WORDS)
    expect(form.locator("select[name=provision_id]")).to_have_value(ADD_IN)
    expect(form.locator("input[name=start]")).to_have_value("9")
    form.locator("select[name=code]").select_option(ADDED)
    form.locator("select[name=role]").select_option("consulted")
    form.get_by_role("button", name="Add the tag").click()
    expect(page.locator("p.message-info")).to_contain_text(f"Added {ADDED}")
    shoot(page, "11-annotate-rejected-and-added")
    yield {"page": page, "rejected": rejected}
    context.close()


def test_both_decisions_show_at_once_marked_as_human(decided):
    page, rejected = decided["page"], decided["rejected"]
    row = page.locator(f"section#tags tr[data-unit='{REJECT_IN}'][data-code='{rejected}']")
    expect(row.first).to_have_attribute("data-decision", "rejected")
    expect(row.first.locator("td.review")).to_contain_text("rejected (alice)")
    expect(row.first.locator("td").first).to_have_css("text-decoration-line", "line-through")
    # The reference coding may carry the code on the unit too (then confirmed by the
    # addition): the added row is the one with decision "added".
    added = page.locator(f"section#tags tr[data-unit='{ADD_IN}'][data-code='{ADDED}']"
                         "[data-decision='added']")
    expect(added).to_have_count(1)
    expect(added.locator("td.review")).to_contain_text("human")
    mark = page.locator(f".unit-text[data-unit='{ADD_IN}'] mark.human")
    expect(mark).to_have_text(WORDS)
    assert ADDED in mark.get_attribute("data-codes")
    history = page.locator("section#annotations tr.annotation")
    expect(history).to_have_count(2)


def test_visitors_see_them_but_cannot_write(decided, browser, site, team, shoot):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{site}/provision/{PAGE}")
    expect(page.locator(f"tr[data-unit='{ADD_IN}'][data-code='{ADDED}'][data-decision='added']")
           ).to_have_count(1)
    expect(page.locator("form.add-tag")).to_have_count(0)
    resp = context.request.post(f"{site}/-/plea/annotate", form={
        "act": "reject", "provision_id": ADD_IN, "code": ADDED})
    assert resp.status == 403
    shoot(page, "12-annotations-as-a-visitor")
    context.close()
    from plea.annotate.human.store import AnnotationStore
    with AnnotationStore(team["store"], readonly=True) as store:
        assert [(a.annotator, a.kind) for a in store.all()] == [("alice", "rejected"),
                                                                ("alice", "added")]


def test_the_next_build_keeps_both(decided, real_db, corpus_dir, team, browser, shoot):
    rejected = decided["rejected"]
    rebuilt = team["tmp"] / "rebuilt" / "plea.db"
    rebuilt.parent.mkdir()
    shutil.copy(real_db, rebuilt)      # the build reuses unchanged sources from it
    done = subprocess.run([sys.executable, "-m", "plea.cli", "build", "--sources", str(corpus_dir),
                           "--db", str(rebuilt), "--annotations", str(team["store"])],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 human tag decisions in effect" in done.stdout
    conn = sqlite3.connect(rebuilt)
    decisions: dict[tuple, set] = {}
    for r in conn.execute("SELECT provision_id, code, decision, decided_by FROM tag_decisions "
                          "WHERE provision_id IN (?, ?)", [REJECT_IN, ADD_IN]):
        decisions.setdefault((r[0], r[1]), set()).add((r[2], r[3]))
    assert ("rejected", "alice") in decisions[(REJECT_IN, rejected)]
    assert ("added", "alice") in decisions[(ADD_IN, ADDED)]
    effective = set(conn.execute("SELECT provision_id, code FROM effective_tags "
                                 "WHERE provision_id IN (?, ?)", [REJECT_IN, ADD_IN]))
    assert (REJECT_IN, rejected) not in effective and (ADD_IN, ADDED) in effective
    conn.close()
    # served from the new build alone (no store): the page and the comparison show them
    with serving_with(rebuilt, PLEA_ANNOTATIONS=str(team["tmp"] / "none.db")) as base:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{base}/provision/{PAGE}")
        expect(page.locator(f"tr[data-unit='{REJECT_IN}'][data-code='{rejected}']").first
               ).to_have_attribute("data-decision", "rejected")
        expect(page.locator(f"tr[data-unit='{ADD_IN}'][data-code='{ADDED}']"
                            "[data-decision='added']")).to_have_count(1)
        shoot(page, "13-annotations-after-rebuild")
        page.goto(f"{base}/code/{ADDED}?jurisdiction=CN&source=cn-cpl-2018&all=1")
        expect(page.locator(f"article.provision-card[data-id='{ADD_IN}']")).to_be_visible()
        context.close()

/* plea-corpus web view: the brief selection and the annotator's text selection.
 *
 * The brief: codes ticked on the matrix or a code page and provisions pinned on
 * provision pages are kept in this browser only (localStorage), so a selection
 * survives moving between pages and the server never stores anything. The
 * brief form is a plain GET; this script only fills in its hidden `codes` and
 * `provisions` fields when it is sent.
 *
 * Annotating: selecting words inside one unit's text fills the unit, the words
 * and their offset (in code points, as Python counts) into the forms.
 *
 * Everything shown is set with textContent, never innerHTML.
 */
(function () {
  "use strict";
  var KEY = "plea-brief";

  function load() {
    try {
      var v = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return {codes: Array.isArray(v.codes) ? v.codes : [],
              pins: Array.isArray(v.pins) ? v.pins : []};
    } catch (e) {
      return {codes: [], pins: []};
    }
  }

  function save(state) {
    try { window.localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // -- the brief -----------------------------------------------------------------
  function chip(label, title, onRemove) {
    var span = el("span", "chip", label + " ");
    span.title = title;
    var x = el("button", "link remove", "×");
    x.type = "button";
    x.setAttribute("aria-label", "remove " + label);
    x.addEventListener("click", onRemove);
    span.appendChild(x);
    return span;
  }

  function render(state) {
    document.querySelectorAll("input[data-brief-code]").forEach(function (box) {
      box.checked = state.codes.indexOf(box.value) >= 0;
    });
    document.querySelectorAll("button[data-pin]").forEach(function (b) {
      var pinned = state.pins.some(function (p) { return p.id === b.dataset.pin; });
      b.classList.toggle("pinned", pinned);
      b.textContent = pinned ? "pinned ✓ (unpin)" : "pin for the brief";
    });
    var box = document.querySelector("[data-brief-selection]");
    if (!box) return;
    var codes = box.querySelector("[data-brief-codes-list]");
    var pins = box.querySelector("[data-brief-pins-list]");
    codes.textContent = "";
    pins.textContent = "";
    if (state.codes.length) codes.appendChild(document.createTextNode("codes: "));
    state.codes.forEach(function (code) {
      codes.appendChild(chip(code, "a code in the brief", function () {
        update(function (s) { s.codes = s.codes.filter(function (c) { return c !== code; }); });
      }));
    });
    if (state.pins.length) pins.appendChild(document.createTextNode(" pinned: "));
    state.pins.forEach(function (p) {
      pins.appendChild(chip(p.citation || p.id, p.id, function () {
        update(function (s) { s.pins = s.pins.filter(function (q) { return q.id !== p.id; }); });
      }));
    });
    box.hidden = !(state.codes.length || state.pins.length);
  }

  function update(change) {
    var state = load();
    change(state);
    save(state);
    render(state);
  }

  function setUpBrief() {
    document.querySelectorAll("input[data-brief-code]").forEach(function (box) {
      // The hidden `codes` field carries the whole selection; without this the
      // ticked boxes would be sent twice (harmless, but untidy URLs).
      box.removeAttribute("name");
      box.addEventListener("change", function () {
        update(function (s) {
          s.codes = s.codes.filter(function (c) { return c !== box.value; });
          if (box.checked) s.codes.push(box.value);
        });
      });
    });
    document.querySelectorAll("button[data-pin]").forEach(function (b) {
      b.addEventListener("click", function () {
        update(function (s) {
          var had = s.pins.some(function (p) { return p.id === b.dataset.pin; });
          s.pins = s.pins.filter(function (p) { return p.id !== b.dataset.pin; });
          if (!had) s.pins.push({id: b.dataset.pin, citation: b.dataset.citation || ""});
        });
      });
    });
    var clear = document.querySelector("[data-brief-clear]");
    if (clear) clear.addEventListener("click", function () {
      update(function (s) { s.codes = []; s.pins = []; });
    });
    var form = document.getElementById("brief-form");
    if (form) form.addEventListener("submit", function () {
      var state = load();
      form.querySelector("[data-brief-codes]").value = state.codes.join(",");
      form.querySelector("[data-brief-provisions]").value =
        state.pins.map(function (p) { return p.id; }).join(",");
    });
    render(load());
  }

  // -- annotating: selected words → the forms ---------------------------------------
  function unitOf(node) {
    while (node && node.nodeType !== 1) node = node.parentNode;
    return node ? node.closest(".unit-text[data-unit]") : null;
  }

  function onSelection() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    var range = sel.getRangeAt(0);
    var unit = unitOf(range.startContainer);
    if (!unit || unit !== unitOf(range.endContainer)) return;   // within one unit only
    var before = document.createRange();
    before.setStart(unit, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var quote = range.toString();
    if (!quote.trim()) return;
    var start = Array.from(before.toString()).length;   // code points, as Python counts
    document.querySelectorAll("form.add-tag, form.add-note").forEach(function (form) {
      var select = form.querySelector("[data-selection-unit]");
      if (select && Array.prototype.some.call(select.options,
                                              function (o) { return o.value === unit.dataset.unit; })) {
        select.value = unit.dataset.unit;
        form.querySelector("[data-selection-quote]").value = quote;
        form.querySelector("[data-selection-start]").value = String(start);
      }
    });
  }

  function setUpAnnotating() {
    if (!document.querySelector("form.add-tag, form.add-note")) return;
    document.addEventListener("mouseup", function () { window.setTimeout(onSelection, 0); });
    document.addEventListener("keyup", function (e) { if (e.shiftKey) onSelection(); });
    // Typing the words by hand: the offset no longer applies.
    document.querySelectorAll("[data-selection-quote]").forEach(function (input) {
      input.addEventListener("input", function () {
        input.form.querySelector("[data-selection-start]").value = "";
      });
    });
  }

  function start() {
    setUpBrief();
    setUpAnnotating();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

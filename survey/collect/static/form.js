/* minyi phone form: skip logic (MinyiLogic, generated from the questionnaire into /logic.js), one page per
   section, the same checks as the server, and an offline outbox (IndexedDB) that sends answers when the phone
   is back online.  Hand-written, no build step, no eval. */
(function () {
  "use strict";
  var doc = document;
  var cfgEl = doc.getElementById("minyi-config");
  var form = doc.getElementById("survey");
  if (!cfgEl || !form || !window.MinyiLogic) { return; }  // without the logic file: the plain HTML form
  doc.documentElement.classList.add("js");
  var cfg = JSON.parse(cfgEl.textContent);
  var MSG = cfg.messages;
  var Q = cfg.questions;
  var pages = Array.prototype.slice.call(doc.querySelectorAll(".page"));
  var current = 0;
  var started = Date.now();
  var uuid = newUuid();
  var CODE_KEY = "minyi-access-code";

  // ------------------------------------------------------------------ helpers
  function $(id) { return doc.getElementById(id); }
  function fmt(t, p) { return t.replace(/\{(\w+)\}/g, function (_, k) { return p[k] === undefined ? "" : String(p[k]); }); }
  function newUuid() {
    var b = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function show(el, on) { if (el) { el.hidden = !on; } }

  // ------------------------------------------------------------------ the draft (a reload keeps the answers)
  // The answers being given are kept in this tab's sessionStorage at every change, with the answer's UUID,
  // its start time and the page, so a reload (an accidental pull-to-refresh, the phone discarding the tab,
  // the back button) goes on where the respondent was instead of starting afresh — and the completion time
  // is not cut short.  Opening the link anew starts afresh.  The draft goes when the answer is handed to the
  // outbox, or for the next respondent.
  var DRAFT_KEY = "minyi-draft:" + location.pathname + location.search + "#" + cfg.wave;
  var Draft = {
    save: function () {
      var vals = [];
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.type === "hidden" || el.tagName === "BUTTON") { return; }
        if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
        if (el.value !== "") { vals.push([el.name, el.value]); }
      });
      try {
        sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ uuid: uuid, started: started, page: current, values: vals }));
      } catch (e) { /* private mode or full: the form works without a draft */ }
    },
    clear: function () { try { sessionStorage.removeItem(DRAFT_KEY); } catch (e) { /* none kept */ } },
    restore: function () {  // only when the page is reloaded or come back to: a new visit starts afresh
      var nav = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
      if (!nav || (nav.type !== "reload" && nav.type !== "back_forward")) { this.clear(); return 0; }
      var d = null;
      try { d = JSON.parse(sessionStorage.getItem(DRAFT_KEY) || "null"); } catch (e) { d = null; }
      if (!d || !d.values || !d.uuid) { return 0; }
      var byName = {};
      d.values.forEach(function (nv) { (byName[nv[0]] = byName[nv[0]] || []).push(String(nv[1])); });
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.type === "hidden" || el.tagName === "BUTTON" || !byName[el.name]) { return; }
        if (el.type === "radio" || el.type === "checkbox") { el.checked = byName[el.name].indexOf(el.value) >= 0; }
        else { el.value = byName[el.name][0]; }
      });
      uuid = d.uuid;
      started = Number(d.started) || started;
      return Number(d.page) || 0;
    }
  };
  var resumeAt = Draft.restore();

  // ------------------------------------------------------------------ reading the form
  function fields() {
    var m = {};
    var els = form.elements;
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (!el.name || el.disabled || el.tagName === "BUTTON") { continue; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { continue; }
      var v = el.value.trim();
      if (v === "") { continue; }
      (m[el.name] = m[el.name] || []).push(v);
    }
    return m;
  }
  function first(m, name) { return m[name] ? m[name][0] : undefined; }
  function num(v) { var x = Number(v); return v !== undefined && v !== "" && isFinite(x) ? x : undefined; }
  function otherChosen(q, m) {
    var sel = m[q.id] || [];
    for (var i = 0; i < q.other.length; i++) { if (sel.indexOf(String(q.other[i])) >= 0) { return true; } }
    return false;
  }

  // The answers of one question: native columns for the skip logic, form fields for the server.
  function take(q, m, a, out) {
    var i, v, col;
    if (q.type === "single" || q.type === "scale" || q.type === "yesno") {
      v = num(first(m, q.id));
      if (v !== undefined) { a[q.id] = v; out[q.id] = String(v); }
    } else if (q.type === "matrix") {
      for (i = 0; i < q.rows.length; i++) {
        col = q.id + "_" + q.rows[i];
        v = num(first(m, col));
        if (v !== undefined) { a[col] = v; out[col] = String(v); }
      }
    } else if (q.type === "multiple") {
      var sel = m[q.id] || [];
      if (sel.length) {
        for (i = 0; i < q.codes.length; i++) { a[q.id + "_" + q.codes[i]] = sel.indexOf(String(q.codes[i])) >= 0 ? 1 : 0; }
        out[q.id] = sel.slice();
      }
    } else if (q.type === "ranking") {
      for (i = 0; i < q.codes.length; i++) {
        col = q.id + "_" + q.codes[i];
        v = num(first(m, col));
        if (v !== undefined) { a[col] = v; out[col] = String(v); }
      }
    } else if (q.type === "number") {
      v = first(m, q.id);
      if (v !== undefined) { if (num(v) !== undefined) { a[q.id] = num(v); } out[q.id] = v; }
    } else if (q.type === "text") {
      v = first(m, q.id);
      if (v !== undefined) { a[q.id] = v; out[q.id] = v; }
    }
    if (q.other.length && otherChosen(q, m)) {
      v = first(m, q.id + "_other");
      if (v !== undefined) { a[q.id + "_other"] = v; out[q.id + "_other"] = v; }
    }
  }

  // Walk the questions in order: a question is asked given the answers of the asked questions before it.
  function state() {
    var m = fields();
    var a = {}, out = {}, asked = {};
    for (var i = 0; i < Q.length; i++) {
      var q = Q[i];
      asked[q.id] = window.MinyiLogic.asked(q.id, a);
      if (asked[q.id]) { take(q, m, a, out); }
    }
    return { m: m, a: a, out: out, asked: asked };
  }

  function isAnswered(q, st) {
    var cols = q.type === "matrix" ? q.rows.map(function (r) { return q.id + "_" + r; }) : [q.id];
    if (q.type === "multiple") { return (st.m[q.id] || []).length > 0; }
    if (q.type === "ranking") { return q.codes.some(function (c) { return st.a[q.id + "_" + c] !== undefined; }); }
    return cols.some(function (c) { return st.out[c] !== undefined; });
  }

  // ------------------------------------------------------------------ checks (the server's, in words)
  function problems(q, st) {
    var errs = {};  // field id (question or matrix row column) -> message
    var i, n;
    if (q.type === "matrix") {
      if (!q.required) { return errs; }
      for (i = 0; i < q.rows.length; i++) {
        var col = q.id + "_" + q.rows[i];
        if (st.a[col] === undefined) {
          var lab = doc.querySelector('#q-' + cssId(col) + ' .mlabel');
          errs[col] = fmt(MSG["required-row"], { row: lab ? lab.lastChild.textContent.trim() : q.rows[i] });
        }
      }
      return errs;
    }
    var answered = isAnswered(q, st);
    if (!answered) {
      if (q.required && q.type !== "text") { errs[q.id] = MSG["required-missing"]; }
      return errs;
    }
    // "other, please specify" chosen: its text is due (the server's other-text-missing)
    if (q.other.length && otherChosen(q, st.m) && first(st.m, q.id + "_other") === undefined) {
      errs[q.id] = fmt(MSG["other-text-missing"], { label: otherLabel(q) });
      return errs;
    }
    if (q.type === "multiple") {
      var picked = st.m[q.id] || [];
      n = picked.length;
      // an exclusive option (以上都没有) chosen alone is a whole answer: it meets min (as survey.rowcheck)
      var alone = picked.some(function (c) { return q.exclusive.indexOf(Number(c)) >= 0; });
      if (q.max !== null && n > q.max) { errs[q.id] = fmt(MSG["too-many"], { max: q.max }); }
      else if (q.min !== null && q.min > 1 && n < q.min && !alone) { errs[q.id] = fmt(MSG["too-few"], { min: q.min }); }
    } else if (q.type === "ranking") {
      n = q.codes.filter(function (c) { return st.a[q.id + "_" + c] !== undefined; }).length;
      if (q.required && n < Math.min(q.k, q.codes.length)) { errs[q.id] = fmt(MSG["rank-invalid"], { k: q.k }); }
    } else if (q.type === "number") {
      var x = num(st.out[q.id]);
      if (x === undefined) { errs[q.id] = MSG["not-a-number"]; }
      else if ((q.min !== null && x < q.min) || (q.max !== null && x > q.max)) {
        errs[q.id] = fmt(MSG[q.integer ? "not-an-integer" : "out-of-range"], { range: rangeWords(q) });
      } else if (q.integer && Math.floor(x) !== x) {
        errs[q.id] = fmt(MSG["not-an-integer"], { range: rangeWords(q) });
      }
    }
    return errs;
  }
  function otherLabel(q) {  // the chosen "other" option's label, as the page shows it (其他)
    var box = $("q-" + q.id);
    var inputs = box ? box.querySelectorAll("input[data-other]") : [];
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked) { return inputs[i].parentNode.textContent.trim(); }
    }
    return inputs.length ? inputs[0].parentNode.textContent.trim() : "";
  }
  function rangeWords(q) {
    if (q.min !== null && q.max !== null) { return q.min + "—" + q.max + "之间"; }
    return q.min !== null ? "不小于" + q.min : "不大于" + q.max;
  }
  function cssId(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/[^\w-]/g, "\\$&"); }
  function clearErrors(scope) {
    var list = (scope || doc).querySelectorAll(".err");
    for (var i = 0; i < list.length; i++) { list[i].hidden = true; list[i].textContent = ""; }
    var marked = (scope || doc).querySelectorAll(".has-err");
    for (i = 0; i < marked.length; i++) { marked[i].classList.remove("has-err"); }
  }
  function setError(id, text) {
    var el = $("err-" + id);
    if (!el) { return false; }
    el.textContent = el.hidden || !el.textContent ? text : el.textContent + "；" + text;
    el.hidden = false;
    var box = $("q-" + id);
    if (box) { box.classList.add("has-err"); }
    return true;
  }
  // A question's marks go as soon as its answer satisfies them, without waiting for the next page: only
  // the touched question is looked at (a mark of another question, or one from the server, stays), and a
  // mark that still applies is brought up to date (a required mark becomes the range of a number typed).
  function questionOf(el) {
    var box = el && el.closest ? el.closest(".q") : null;
    if (!box) { return null; }
    for (var i = 0; i < Q.length; i++) { if ("q-" + Q[i].id === box.id) { return Q[i]; } }
    return box.id === "q-__code" ? { id: "__code", code: true } : null;
  }
  function recheck(el) {
    var q = questionOf(el);
    if (!q) { return; }
    var errs = {}, ids = [q.id];
    if (q.code) {
      if (!$("access-code").value.trim()) { return; }
    } else {
      errs = problems(q, state());
      if (q.type === "matrix") { ids = ids.concat(q.rows.map(function (r) { return q.id + "_" + r; })); }
    }
    ids.forEach(function (f) {
      var err = $("err-" + f);
      if (!err || err.hidden) { return; }
      if (errs[f]) { err.textContent = errs[f]; return; }
      err.hidden = true;
      err.textContent = "";
      var box = $("q-" + f);
      if (box) { box.classList.remove("has-err"); }
    });
  }
  function checkPage(idx, st) {
    var page = pages[idx];
    clearErrors(page);
    var firstBad = null;
    if (page.dataset.page === "intro" && cfg.accessCode) {
      var code = $("access-code");
      if (!code.value.trim()) { setError("__code", MSG["access-code-missing"]); firstBad = code; }
    }
    Q.forEach(function (q) {
      if (!st.asked[q.id] || !page.contains($("q-" + q.id))) { return; }
      var errs = problems(q, st);
      Object.keys(errs).forEach(function (k) { setError(k, errs[k]); if (!firstBad) { firstBad = $("q-" + k); } });
    });
    if (firstBad) { firstBad.scrollIntoView({ block: "center" }); }
    return firstBad === null;
  }

  // ------------------------------------------------------------------ showing the right questions and page
  function pageVisible(idx, st) {
    var p = pages[idx];
    if (p.dataset.page === "intro") { return true; }
    return Q.some(function (q) { return st.asked[q.id] && p.contains($("q-" + q.id)); });
  }
  function refresh() {
    var st = state();
    var total = 0, done = 0;
    Q.forEach(function (q) {
      var el = $("q-" + q.id);
      if (el) { el.classList.toggle("skipped", !st.asked[q.id]); }
      if (!st.asked[q.id]) { return; }
      if (q.type === "matrix") {
        total += q.rows.length;
        q.rows.forEach(function (r) { if (st.a[q.id + "_" + r] !== undefined) { done++; } });
      } else { total += 1; if (isAnswered(q, st)) { done++; } }
      if (q.other.length) {
        var box = form.querySelector('input.other[name="' + q.id + '_other"]');
        if (box) { box.classList.toggle("off", !otherChosen(q, st.m)); }
      }
    });
    var inputs = form.querySelectorAll(".opt input");  // highlight chosen options (browsers without :has())
    for (var i = 0; i < inputs.length; i++) { inputs[i].parentNode.classList.toggle("on", inputs[i].checked); }
    $("progress").value = total ? Math.round(100 * done / total) : 0;
    $("progress-text").textContent = "已答 " + done + "/" + total;
    var last = lastVisible(st);
    show($("prev"), current > 0);
    show($("next"), current < last);
    show($("send"), current >= last);
    quotaNotice(st);
    return st;
  }
  function lastVisible(st) {
    for (var i = pages.length - 1; i >= 0; i--) { if (pageVisible(i, st)) { return i; } }
    return 0;
  }
  function go(idx) {
    pages.forEach(function (p, i) { p.classList.toggle("current", i === idx); });
    current = idx;
    refresh();
    window.scrollTo(0, 0);
    Draft.save();
  }
  function step(dir) {
    var st = state();
    if (dir > 0 && quotaHit) { showQuota(); return false; }  // the cell chosen is full (stop mode): no further
    if (dir > 0 && !checkPage(current, st)) { return false; }
    if (dir > 0 && !codeConfirmed()) { return false; }
    var i = current + dir;
    while (i > 0 && i < pages.length - 1 && !pageVisible(i, st)) { i += dir; }
    var from = current;
    go(Math.max(0, Math.min(i, pages.length - 1)));
    return current !== from;
  }

  // ------------------------------------------------------------------ the access code, checked when entered
  // Leaving the first page asks the server whether the code is right (POST /api/code), so a wrong code is said
  // at once, next to the code, not after the last question.  Offline, or the server busy, it cannot be asked:
  // the page goes on, and the answer's own check at sending (which returns here, answers kept) stays.
  var codeOk = null;     // the code the server confirmed (or could not check)
  var codeAsking = false;
  function codeConfirmed() {
    if (!cfg.accessCode || pages[current].dataset.page !== "intro") { return true; }
    var code = $("access-code").value.trim();
    if (code === codeOk) { return true; }
    if (!codeAsking) { askCode(code); }
    return false;
  }
  function askCode(code) {
    codeAsking = true;
    $("next").disabled = true;
    fetch("/api/code", {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ code: code, link: cfg.link })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; });
    }, function () { return { status: 0, body: {} }; }).then(function (r) {
      codeAsking = false;
      $("next").disabled = false;
      if (r.status === 403) {  // wrong: said at the code, stay here
        try { localStorage.removeItem(CODE_KEY); } catch (e) { /* none kept */ }
        clearErrors(pages[current]);
        setError("__code", r.body.message || MSG["access-code"]);
        $("access-code").focus();
        return;
      }
      // right, or not checkable now (offline, server busy, or 429: too many wrong codes from this address —
      // many phones may share one address): checked again when sending
      codeOk = code;
      if ($("access-code").value.trim() === code) { forward(); }
    });
  }

  // ------------------------------------------------------------------ the back button (the tab's history)
  // Each page turned forward is an entry in the tab's history (pushState, the entry's state names the answer's
  // UUID, its depth above the form's first entry and its page), so the phone's back button (Android) goes back
  // one page instead of leaving the survey; on the first page it leaves as usual.  上一页 goes back in the
  // history too, so the two agree.  The page shown is kept in the draft at every turn, and a reload keeps the
  // entries: back after a reload still goes one page back.  Once the answer is handed over (提交成功, saved
  // on the phone, refused) the entries are taken back, so back then leaves the finished form.
  var depth = 0;       // entries of this answer above the form's first entry
  var confirming = 0;  // history moves made by the page itself: their popstate only brings the entry up to date
  function markEntry() {
    try { history.replaceState({ minyi: uuid, depth: depth, page: current }, ""); } catch (e) { /* no history API */ }
  }
  function pushTurn() {
    try { history.pushState({ minyi: uuid, depth: depth + 1, page: current }, ""); depth += 1; } catch (e) { /* none */ }
  }
  function historyBack(n) {
    if (n <= 0) { return; }
    confirming += 1;
    depth -= n;
    history.go(-n);
  }
  function forward() { if (step(1)) { pushTurn(); } }
  function backward() {
    if (depth > 0 && current > 0) { historyBack(1); }
    step(-1);
  }
  window.addEventListener("popstate", function (e) {
    var s = e.state;
    var d = s && s.minyi === uuid ? Number(s.depth) || 0 : 0;
    if (confirming > 0) { confirming -= 1; depth = d; markEntry(); return; }
    if (form.hidden) { depth = d; return; }
    while (d < depth) { depth -= 1; step(-1); }  // the back button: one page back
    while (d > depth) { depth += 1; if (!step(1)) { depth = d; break; } }  // forward again: checked as 下一页 is
    markEntry();
  });

  // ------------------------------------------------------------------ quotas
  // In stop mode a full cell chosen (site and/or district) is said beside the question that chose it, on the
  // page the respondent is looking at (scrolled into view when it first appears), as well as at the top; and
  // 下一页 does not go on while the cell chosen is full (it shows the note again): answering the rest of the
  // questionnaire would be for nothing, since the server stores nothing more for the cell.
  var quotaHit = null;  // the name of the full cell the answers choose (stop mode), else null
  function quotaBox() {  // the site or district question on the page shown (the later one when both are)
    var box = null;
    [cfg.siteQuestion, cfg.districtQuestion].forEach(function (id) {
      var el = id ? $("q-" + id) : null;
      if (el && pages[current] && pages[current].contains(el) && !el.classList.contains("skipped")) { box = el; }
    });
    return box;
  }
  function showQuota() {
    var el = $("quota-note");
    el = el && !el.hidden ? el : $("notice");
    if (el.scrollIntoView) { el.scrollIntoView({ block: "center" }); }
  }
  function quotaNotice(st) {
    var full = (cfg.quotas && cfg.quotas.full) || [];
    var note = $("notice");
    var hit = null;
    var s = st.a[cfg.siteQuestion], d = st.a[cfg.districtQuestion];
    full.forEach(function (c) {
      if ((c.site === null || c.site === s) && (c.district === null || c.district === d)) { hit = c; }
    });
    var local = $("quota-note");
    if (hit && cfg.quotas.mode === "stop") {
      var text = fmt(MSG["quota-full"], { cell: hit.name });
      note.textContent = text;
      note.hidden = false;
      $("send").disabled = true;
      var box = quotaBox();
      if (box) {
        if (!local) {
          local = document.createElement("p");
          local.id = "quota-note";
          local.className = "notice quota";
          local.setAttribute("role", "alert");
        }
        if (local.parentNode !== box) { box.appendChild(local); }
        local.textContent = text;
        local.hidden = false;
      } else if (local) { local.hidden = true; }
      var fresh = quotaHit !== hit.name;
      quotaHit = hit.name;
      if (fresh) { showQuota(); }
    } else {
      quotaHit = null;
      if (local) { local.hidden = true; }
      if (note.dataset.kind !== "keep") {
        note.hidden = true;
        $("send").disabled = false;
      }
    }
  }

  // ------------------------------------------------------------------ input behaviour
  form.addEventListener("change", function (e) {
    var el = e.target;
    var refused = false;
    if (el.type === "checkbox") {
      var q = null;
      for (var i = 0; i < Q.length; i++) { if (Q[i].id === el.name) { q = Q[i]; } }
      if (q && el.checked) {
        var boxes = form.querySelectorAll('input[type=checkbox][name="' + el.name + '"]');
        var excl = q.exclusive.indexOf(Number(el.value)) >= 0;
        var n = 0;
        Array.prototype.forEach.call(boxes, function (b) {
          if (b === el) { return; }
          var bx = q.exclusive.indexOf(Number(b.value)) >= 0;
          if (excl || bx) { b.checked = false; }
          if (b.checked) { n++; }
        });
        if (q.max !== null && n + 1 > q.max) {
          el.checked = false;
          clearErrors($("q-" + q.id));
          setError(q.id, fmt(MSG["too-many"], { max: q.max }));
          refused = true;
        }
      }
    }
    if (!refused) { recheck(el); }
    refresh();
    Draft.save();
  });
  form.addEventListener("input", function (e) {
    if (e.target.tagName !== "SELECT") { recheck(e.target); refresh(); Draft.save(); }
  });
  Array.prototype.forEach.call(form.querySelectorAll("ol.rank"), function (ol) {
    var k = Number(ol.dataset.k);
    var items = Array.prototype.slice.call(ol.querySelectorAll(".rank-opt"));
    function paint() {
      items.forEach(function (it) {
        var v = it.querySelector("select").value;
        it.querySelector(".badge").textContent = v;
        it.classList.toggle("ranked", v !== "");
      });
    }
    items.forEach(function (it) {
      it.addEventListener("click", function (e) {
        e.preventDefault();
        var sel = it.querySelector("select");
        var mine = Number(sel.value || 0);
        if (mine) {
          items.forEach(function (o) {
            var s = o.querySelector("select");
            if (Number(s.value) > mine) { s.value = String(Number(s.value) - 1); }
          });
          sel.value = "";
        } else {
          var used = items.filter(function (o) { return o.querySelector("select").value !== ""; }).length;
          if (used >= k) { return; }
          sel.value = String(used + 1);
        }
        paint();
        recheck(it);
        refresh();
        Draft.save();
      });
    });
    paint();
  });
  $("prev").addEventListener("click", backward);
  $("next").addEventListener("click", forward);

  // ------------------------------------------------------------------ the outbox (IndexedDB, else localStorage)
  var Outbox = (function () {
    var dbp = null;
    function db() {
      if (!dbp) {
        dbp = new Promise(function (resolve, reject) {
          if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
          var r = indexedDB.open("minyi-outbox", 1);
          r.onupgradeneeded = function () { r.result.createObjectStore("outbox", { keyPath: "uuid" }); };
          r.onsuccess = function () { resolve(r.result); };
          r.onerror = function () { reject(r.error); };
        });
      }
      return dbp;
    }
    function req(mode, fn) {
      return db().then(function (d) {
        return new Promise(function (resolve, reject) {
          var t = d.transaction("outbox", mode);
          var r = fn(t.objectStore("outbox"));
          t.oncomplete = function () { resolve(r && r.result); };
          t.onerror = function () { reject(t.error); };
        });
      });
    }
    function lsAll() { try { return JSON.parse(localStorage.getItem("minyi-outbox") || "[]"); } catch (e) { return []; } }
    function lsSave(list) { localStorage.setItem("minyi-outbox", JSON.stringify(list)); }
    return {
      put: function (item) {
        return req("readwrite", function (s) { return s.put(item); }).catch(function () {
          var l = lsAll().filter(function (x) { return x.uuid !== item.uuid; }); l.push(item); lsSave(l);
        });
      },
      del: function (id) {
        return req("readwrite", function (s) { return s.delete(id); }).catch(function () {
          lsSave(lsAll().filter(function (x) { return x.uuid !== id; }));
        });
      },
      all: function () {
        return req("readonly", function (s) { return s.getAll(); }).then(function (l) { return l || []; })
          .catch(function () { return lsAll(); });
      }
    };
  })();

  function send(payload) {
    return fetch("/api/submit", {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (r.status === 200) { return { kind: "ok", body: body }; }
        if (r.status === 422) { return { kind: "invalid", body: body, status: r.status }; }
        if (r.status === 429) {
          var wait = Number(r.headers.get("Retry-After") || body.retry_after || 60);
          return { kind: "retry", why: "rate", wait: isFinite(wait) && wait > 0 ? wait : 60, body: body };
        }
        if (r.status >= 500) { return { kind: "retry", why: "busy", body: body }; }
        return { kind: "final", body: body, status: r.status };
      });
    }, function () { return { kind: "retry", why: "offline", body: {} }; });
  }
  // Saved on the phone, to be sent again: why, in words (the network, the server's rate limit, the server).
  function savedText(r) {
    if (r.why === "rate") { return fmt(MSG["saved-rate"], { s: Math.ceil(r.wait) }); }
    if (r.why === "busy") { return MSG["saved-busy"]; }
    return MSG["saved-offline"];
  }
  var retryTimer = null;
  function retryLater(r) {  // besides the 15-second round: right after the wait the server asked for
    if (r.why !== "rate" || retryTimer) { return; }
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, Math.ceil(r.wait) * 1000 + 500);
  }

  // Answers kept on the phone are sent in order; one the server stores leaves the outbox.  One the server
  // refuses (422, 409 quota full, 403 closed, 400 ...) is never deleted: it stays on the phone, kept apart
  // ("refused": the server's status and message), is not sent again, and the page says how many and why.
  // Refused for a reason the project can undo — the survey closed (and reopened since), a wave not yet in
  // the project (added since) — an answer is tried once more each time the page is opened (``again``).
  var RETRY_REFUSED = ["closed", "wave_unknown"];
  var flushing = false;
  var sending = null;  // the answer the page itself is sending: its outcome is the page's to show

  // The outbox is shared by every tab of the phone (one IndexedDB per site), the ``sending`` above is not: an
  // answer being sent — by a tab's page or by a tab's outbox round — holds a lock in localStorage (also shared
  // by the tabs), keyed by its UUID, with the time it was taken.  Every tab's outbox round leaves a locked
  // answer alone, so another tab neither sends it a second time nor keeps a refused copy of an answer whose
  // field errors its own tab is showing.  A lock older than SEND_LOCK_MS (a tab closed mid-send) is void.
  var SEND_LOCK = "minyi-sending:";
  var SEND_LOCK_MS = 120000;
  // this tab's id, kept across its reloads (sessionStorage is the tab's own): a lock this tab took before a
  // reload cut its send short is not another tab's send in flight, so it never holds the answer back here
  var tab = (function () {
    try {
      var t = sessionStorage.getItem("minyi-tab");
      if (!t) { t = newUuid(); sessionStorage.setItem("minyi-tab", t); }
      return t;
    } catch (e) { return newUuid(); }
  })();
  var Lock = {  // value: "time|tab"
    take: function (id) { try { localStorage.setItem(SEND_LOCK + id, Date.now() + "|" + tab); } catch (e) { /* none */ } },
    drop: function (id) { try { localStorage.removeItem(SEND_LOCK + id); } catch (e) { /* none */ } },
    held: function (id) {  // by another tab, and not stale
      var v = "";
      try { v = localStorage.getItem(SEND_LOCK + id) || ""; } catch (e) { return false; }
      if (!v) { return false; }
      var t = Number(v.split("|")[0]) || 0, owner = v.split("|")[1] || "";
      if (owner === tab || !t || Date.now() - t > SEND_LOCK_MS) { this.drop(id); return false; }
      return true;
    }
  };
  function flush(again) {
    if (flushing) { return Promise.resolve(); }
    flushing = true;
    return Outbox.all().then(function (items) {
      items = items.filter(function (it) {
        if (it.uuid === sending || Lock.held(it.uuid)) { return false; }
        return !it.refused || (again === true && RETRY_REFUSED.indexOf(it.refused.reason) >= 0);
      });
      items.sort(function (x, y) { return x.finished_at - y.finished_at; });
      var chain = Promise.resolve(true);
      items.forEach(function (it) {
        chain = chain.then(function (go_on) {
          if (!go_on) { return false; }
          if (Lock.held(it.uuid)) { return true; }  // taken by another tab meanwhile
          Lock.take(it.uuid);
          return send(it).then(function (r) {
            Lock.drop(it.uuid);
            if (r.kind === "retry") { retryLater(r); return false; }
            if (r.kind === "ok") { return Outbox.del(it.uuid).then(function () { return true; }); }
            it.refused = { status: r.status || 0, reason: (r.body && r.body.status) || "", at: Date.now(),
                           message: (r.body && r.body.message) || "" };
            return Outbox.put(it).then(function () { return true; });
          });
        });
      });
      return chain;
    }).then(function () { flushing = false; return updateOutbox(); }, function () { flushing = false; });
  }
  function refusedWords(list) {
    var seen = [];
    list.forEach(function (it) {
      var w = MSG["refused-" + it.refused.reason] || it.refused.message || MSG["refused-other"];
      if (seen.indexOf(w) < 0) { seen.push(w); }
    });
    return seen.join("；");
  }
  function updateOutbox() {
    return Outbox.all().then(function (items) {
      var waiting = items.filter(function (it) { return !it.refused; });
      var refused = items.filter(function (it) { return !!it.refused; });
      var el = $("outbox");
      el.textContent = waiting.length ? fmt(MSG["outbox"], { n: waiting.length }) : "";
      el.hidden = !waiting.length;
      el.dataset.count = String(waiting.length);
      var rf = $("refused");
      rf.textContent = refused.length ? fmt(MSG["refused"], { n: refused.length, reasons: refusedWords(refused) }) : "";
      rf.hidden = !refused.length;
      rf.dataset.count = String(refused.length);
    });
  }

  // ------------------------------------------------------------------ submitting
  function payload(st) {
    var code = cfg.accessCode ? ($("access-code").value.trim() || localStorage.getItem(CODE_KEY) || "") : null;
    return {
      uuid: uuid, answers: st.out, link: cfg.link, access_code: code, wave: cfg.wave, form: cfg.form,
      finished_at: Date.now(), duration_sec: Math.round((Date.now() - started) / 1000)
    };
  }
  function finish(title, text) {
    form.hidden = true;
    historyBack(depth);  // the form is done: back leaves it
    $("done-title").textContent = title;
    $("done-text").textContent = text;
    $("done").hidden = false;
    $("notice").hidden = true;
    window.scrollTo(0, 0);
  }
  function showServerErrors(body) {
    clearErrors();
    var firstPage = null;
    (body.errors || []).forEach(function (e) {
      var id = $("err-" + e.column) ? e.column : e.question;
      if (!id || !setError(id, e.message)) { return; }
      var box = $("q-" + id);
      for (var i = 0; i < pages.length; i++) {
        if (box && pages[i].contains(box) && (firstPage === null || i < firstPage)) { firstPage = i; }
      }
    });
    var note = $("notice");
    note.textContent = body.message || MSG["invalid"];
    note.className = "notice error";
    note.hidden = false;
    if (firstPage !== null) { pages.forEach(function (p, i) { p.classList.toggle("current", i === firstPage); }); current = firstPage; refresh(); }
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var st = state();
    for (var i = 0; i < pages.length; i++) {
      if (pageVisible(i, st) && !checkPage(i, st)) {
        pages.forEach(function (p, j) { p.classList.toggle("current", j === i); });
        current = i; refresh(); checkPage(i, st);
        return;
      }
    }
    if (cfg.accessCode) { localStorage.setItem(CODE_KEY, $("access-code").value.trim()); }
    var p = payload(st);
    $("send").disabled = true;
    sending = p.uuid;
    Lock.take(p.uuid);
    Outbox.put(p).then(function () { return send(p); }).then(function (r) {
      $("send").disabled = false;
      sending = null;
      Lock.drop(p.uuid);
      // a wrong access code, like field errors, is put right on the form: nothing was stored, keep the answers
      var wrongCode = r.kind === "final" && !!r.body && r.body.status === "access_code";
      if (r.kind !== "invalid" && !wrongCode) { Draft.clear(); }  // kept in the outbox, stored, or refused for good
      if (r.kind === "retry") {
        finish(MSG["saved-title"], savedText(r));
        show($("again"), !!cfg.collector);
        retryLater(r);
        return updateOutbox();
      }
      var reason = (r.body && r.body.status) || "";
      if (r.kind === "final" && RETRY_REFUSED.indexOf(reason) >= 0) {  // closed, unknown wave: kept, not lost
        p.refused = { status: r.status || 0, reason: reason, at: Date.now(), message: r.body.message || "" };
        return Outbox.put(p).then(function () {
          finish(MSG["not-sent-title-" + reason], MSG["not-sent-" + reason]);
          return updateOutbox();
        });
      }
      return Outbox.del(p.uuid).then(function () {
        if (r.kind === "ok") { finish(MSG["done-title"], MSG["done"]); show($("again"), !!cfg.collector); }
        else if (r.kind === "invalid") { showServerErrors(r.body); }
        else if (wrongCode) {  // back on the first page with the code marked, as the plain form does
          localStorage.removeItem(CODE_KEY);
          codeOk = null;  // asked again when the first page is left
          showServerErrors({ message: r.body.message, errors: [{ column: "__code", message: r.body.message }] });
        }
        else { finish(MSG["not-stored-title"], r.body.message || MSG["not-stored"]); }
        return updateOutbox();
      });
    });
  });
  $("again").addEventListener("click", function () {
    form.reset();
    Array.prototype.forEach.call(form.querySelectorAll(".rank-opt"), function (it) {
      it.classList.remove("ranked"); it.querySelector(".badge").textContent = "";
    });
    if (cfg.accessCode) { $("access-code").value = localStorage.getItem(CODE_KEY) || ""; }
    uuid = newUuid();
    started = Date.now();
    Draft.clear();
    clearErrors();
    $("done").hidden = true;
    form.hidden = false;
    go(0);
    markEntry();
  });

  // ------------------------------------------------------------------ start
  if (cfg.accessCode && !$("access-code").value) { $("access-code").value = localStorage.getItem(CODE_KEY) || ""; }
  window.addEventListener("online", flush);
  setInterval(flush, 15000);
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* the form works without it, online */ });
  }
  go(resumeAt > 0 && resumeAt < pages.length && pageVisible(resumeAt, state()) ? resumeAt : 0);
  var entry = window.history && history.state;
  depth = entry && entry.minyi === uuid && current > 0 ? Number(entry.depth) || 0 : 0;  // a reload keeps the entries
  markEntry();
  flush(true);
})();

"use strict";
// replaykit visual report: decodes the embedded report document and renders an incident view.
// Every string of the document is untrusted: text reaches the DOM only through textContent,
// createTextNode and setAttribute on inert attributes (class, title, data-*, href "#step=N").
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var KEYFRAME_EVERY = 256; // steps between keyframes (more when the state is large, see buildKeyframes)
  var STEP_ROW_H = 24;
  var LANE_ROW_H = 20;
  var AXIS_H = 38;
  var LANE_BOX_MAX = 264;
  var NONVIRTUAL_MAX = 1000; // lists up to this many rows are rendered whole
  var OVERSCAN = 8;
  var CHILD_PAGE = 300; // state-tree children rendered per "show more"
  var AUTO_OPEN_MAX = 200; // auto-open ancestors of changed paths up to this many children
  var CAUSES_NOW = 400; // causes rendered before ready; more follow in batches
  var DENSE_MARKERS = 60;
  var afterReady = [];

  var hasOwn = Object.prototype.hasOwnProperty;

  // ---------------------------------------------------------------- model state
  var doc = null;
  var N = 0;
  var steps = [];
  var lanes = [];
  var markers = [];
  var keyframes = [];
  var stepLanes = new Map(); // step -> [lane index]
  var current = 0;
  var pendingSelect = null;
  var loaded = false;
  var ui = {};
  var filter = { q: "", kind: "", active: false, order: null, matchSet: null, laneDim: null, count: 0 };
  var haystacks = null;

  // ---------------------------------------------------------------- JSON utilities
  function setKey(obj, key, value) {
    if (key === "__proto__") {
      Object.defineProperty(obj, key, { value: value, writable: true, enumerable: true, configurable: true });
    } else {
      obj[key] = value;
    }
  }

  function getKey(obj, key) {
    return hasOwn.call(obj, key) ? obj[key] : undefined;
  }

  var cloneCount = 0;
  function clone(v) {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) {
      var n = v.length;
      var a = new Array(n);
      cloneCount += n;
      for (var i = 0; i < n; i++) a[i] = clone(v[i]);
      return a;
    }
    var keys = Object.keys(v);
    var o = {};
    cloneCount += keys.length;
    for (var j = 0; j < keys.length; j++) setKey(o, keys[j], clone(v[keys[j]]));
    return o;
  }

  function sortedJSON(v, ind) {
    if (v === null || typeof v !== "object") {
      var s = JSON.stringify(v);
      return s === undefined ? "null" : s;
    }
    var ni = ind + "  ";
    var parts, i;
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      parts = new Array(v.length);
      for (i = 0; i < v.length; i++) parts[i] = ni + sortedJSON(v[i], ni);
      return "[\n" + parts.join(",\n") + "\n" + ind + "]";
    }
    var keys = Object.keys(v).sort();
    parts = [];
    for (i = 0; i < keys.length; i++) {
      var val = v[keys[i]];
      if (val === undefined || typeof val === "function") continue;
      parts.push(ni + JSON.stringify(keys[i]) + ": " + sortedJSON(val, ni));
    }
    if (parts.length === 0) return "{}";
    return "{\n" + parts.join(",\n") + "\n" + ind + "}";
  }

  function parsePointer(p) {
    if (p === "") return [];
    if (typeof p !== "string" || p.charAt(0) !== "/") throw new Error("bad JSON pointer: " + JSON.stringify(p));
    var parts = p.slice(1).split("/");
    if (p.indexOf("~") >= 0) {
      for (var i = 0; i < parts.length; i++) parts[i] = parts[i].replace(/~1/g, "/").replace(/~0/g, "~");
    }
    return parts;
  }

  function escToken(k) {
    return String(k).replace(/~/g, "~0").replace(/\//g, "~1");
  }

  function arrayIndex(arr, tok, forAdd) {
    if (forAdd && tok === "-") return arr.length;
    if (!/^(0|[1-9][0-9]*)$/.test(tok)) throw new Error("bad array index " + JSON.stringify(tok));
    var i = Number(tok);
    if (i > arr.length || (!forAdd && i >= arr.length)) throw new Error("array index out of range: " + tok);
    return i;
  }

  function child(node, tok) {
    if (Array.isArray(node)) return node[arrayIndex(node, tok, false)];
    if (node !== null && typeof node === "object") {
      if (!hasOwn.call(node, tok)) throw new Error("path not found: " + JSON.stringify(tok));
      return node[tok];
    }
    throw new Error("path goes through a value that is not a container");
  }

  function lookup(root, path) {
    var t = parsePointer(path);
    var node = root;
    for (var i = 0; i < t.length; i++) node = child(node, t[i]);
    return node;
  }

  // Applies one RFC 6902 operation to root in place (values are copied); returns the root.
  function applyOp(root, op) {
    var kind = op.op;
    var value;
    if (kind === "move" || kind === "copy") {
      value = clone(lookup(root, op.from));
      if (kind === "move") root = applyOp(root, { op: "remove", path: op.from });
      return applyOp(root, { op: "add", path: op.path, value: value });
    }
    if (kind === "test") return root;
    var t = parsePointer(op.path);
    if (t.length === 0) {
      if (kind === "remove") return null;
      return clone(op.value);
    }
    var parent = root;
    for (var i = 0; i < t.length - 1; i++) parent = child(parent, t[i]);
    var last = t[t.length - 1];
    if (Array.isArray(parent)) {
      if (kind === "add") parent.splice(arrayIndex(parent, last, true), 0, clone(op.value));
      else if (kind === "remove") parent.splice(arrayIndex(parent, last, false), 1);
      else if (kind === "replace") parent[arrayIndex(parent, last, false)] = clone(op.value);
      else throw new Error("unknown patch op " + JSON.stringify(kind));
    } else if (parent !== null && typeof parent === "object") {
      if (kind === "add" || kind === "replace") setKey(parent, last, clone(op.value));
      else if (kind === "remove") delete parent[last];
      else throw new Error("unknown patch op " + JSON.stringify(kind));
    } else {
      throw new Error("patch path goes through a value that is not a container");
    }
    return root;
  }

  function applyPatch(root, patch) {
    if (!Array.isArray(patch)) return root;
    for (var i = 0; i < patch.length; i++) root = applyOp(root, patch[i]);
    return root;
  }

  // Keyframes: a copy of the state every KEYFRAME_EVERY steps; when the state is large, the
  // interval grows so that copies cost no more than a few times the patches they skip.
  function buildKeyframes() {
    cloneCount = 0;
    var work = clone(doc.initial === undefined ? {} : doc.initial);
    var size = cloneCount;
    keyframes = [{ step: 0, state: clone(work) }];
    var lastStep = 0;
    var opsSince = 0;
    for (var k = 1; k <= N; k++) {
      var patch = steps[k - 1].patch;
      work = applyPatch(work, patch);
      if (Array.isArray(patch)) opsSince += patch.length;
      if (k - lastStep >= KEYFRAME_EVERY && opsSince * 4 >= size && k < N) {
        cloneCount = 0;
        keyframes.push({ step: k, state: clone(work) });
        size = cloneCount;
        lastStep = k;
        opsSince = 0;
      }
    }
  }

  function computeState(n) {
    var lo = 0, hi = keyframes.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (keyframes[mid].step <= n) lo = mid; else hi = mid - 1;
    }
    var kf = keyframes[lo];
    var s = clone(kf.state);
    for (var k = kf.step + 1; k <= n; k++) s = applyPatch(s, steps[k - 1].patch);
    return s;
  }

  // ---------------------------------------------------------------- text helpers
  var CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
  var BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
  function hex4(c) {
    return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
  }
  // A label: any value as text, with control characters shown as \uXXXX escapes.
  function clean(s) {
    if (s === null || s === undefined) return "";
    if (typeof s !== "string") s = typeof s === "object" ? JSON.stringify(s) : String(s);
    return s.replace(CONTROL, hex4);
  }
  // For SVG text (no bdi isolation there): bidi controls are shown as escapes as well.
  function cleanSvg(s) {
    return clean(s).replace(BIDI, hex4);
  }
  function truncate(s, n) {
    return s.length > n ? s.slice(0, n - 1) + "\u2026" : s;
  }
  function str(v) {
    return typeof v === "string" ? v : v === null || v === undefined ? "" : String(v);
  }
  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many || one + "s");
  }

  // ---------------------------------------------------------------- DOM helpers
  var SAFE_ATTR = /^(id|class|title|type|min|max|step|value|dir|role|tabindex|for|placeholder|autocomplete|spellcheck|lang|open|hidden|colspan|(aria|data)-[a-z-]+)$/;
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) setAttrs(el, attrs);
    for (var i = 2; i < arguments.length; i++) add(el, arguments[i]);
    return el;
  }
  function setAttrs(el, attrs) {
    for (var k in attrs) {
      if (!hasOwn.call(attrs, k)) continue;
      var v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") el.textContent = v;
      else if (k === "href") el.setAttribute("href", stepHref(v));
      else if (SAFE_ATTR.test(k)) el.setAttribute(k, v === true ? "" : String(v));
      else throw new Error("attribute not allowed: " + k);
    }
  }
  function add(el, kid) {
    if (kid === null || kid === undefined || kid === false) return;
    if (Array.isArray(kid)) {
      for (var i = 0; i < kid.length; i++) add(el, kid[i]);
    } else if (typeof kid === "object") {
      el.appendChild(kid);
    } else {
      el.appendChild(document.createTextNode(clean(kid)));
    }
  }
  function stepHref(k) {
    return "#step=" + (Number(k) | 0);
  }
  function bdi(text, cls) {
    var b = document.createElement("bdi");
    b.setAttribute("dir", "auto");
    if (cls) b.setAttribute("class", cls);
    b.textContent = clean(text);
    return b;
  }
  function sv(tag, attrs, text) {
    var el = document.createElementNS(SVGNS, tag);
    if (attrs) {
      for (var k in attrs) {
        if (hasOwn.call(attrs, k) && attrs[k] !== null && attrs[k] !== undefined) el.setAttribute(k, String(attrs[k]));
      }
    }
    if (text !== undefined) el.textContent = text;
    return el;
  }
  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
  }
  function stepLink(k, cls, label) {
    var a = h("a", { class: cls || "step-link", href: k, "data-step": k }, label === undefined ? "step " + k : label);
    return a;
  }

  // ---------------------------------------------------------------- decoding
  // gunzip through DecompressionStream. The bytes are fed from memory and read back with a
  // reader, so the whole chain runs in promise jobs: no task boundary until the page is
  // ready, which keeps it from being observed half-loaded.
  function inflate(bytes) {
    var source = new ReadableStream({
      start: function (c) {
        c.enqueue(bytes);
        c.close();
      }
    });
    var reader = source.pipeThrough(new DecompressionStream("gzip")).getReader();
    var chunks = [];
    var total = 0;
    function pump() {
      return reader.read().then(function (r) {
        if (r.done) return;
        chunks.push(r.value);
        total += r.value.length;
        return pump();
      });
    }
    return pump().then(function () {
      var out = chunks.length === 1 ? chunks[0] : new Uint8Array(total);
      if (chunks.length !== 1) {
        var off = 0;
        for (var i = 0; i < chunks.length; i++) { out.set(chunks[i], off); off += chunks[i].length; }
      }
      chunks = null;
      return new TextDecoder("utf-8").decode(out);
    });
  }

  function decode() {
    var el = document.getElementById("replaykit-data");
    if (!el) return Promise.reject(new Error("The report data is missing from the page."));
    var enc = el.getAttribute("data-encoding") || "gzip+base64";
    var bytes;
    try {
      var bin = atob((el.textContent || "").replace(/\s+/g, ""));
      bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    } catch (e) {
      return Promise.reject(new Error("The report data is not valid base64."));
    }
    var textP;
    if (enc === "gzip+base64") {
      if (typeof DecompressionStream !== "function") {
        return Promise.reject(new Error("This browser cannot open the report: it has no DecompressionStream (use a current Chromium, Firefox or Safari)."));
      }
      textP = inflate(bytes).catch(function (e) {
        throw new Error("The report data could not be decompressed (" + (e && e.message ? e.message : String(e)) + ").");
      });
    } else if (enc === "base64") {
      textP = Promise.resolve(new TextDecoder("utf-8").decode(bytes));
    } else {
      return Promise.reject(new Error("Unknown data encoding: " + clean(enc)));
    }
    return textP.then(function (text) {
      mark("inflated");
      var d;
      try { d = JSON.parse(text); } catch (e) { throw new Error("The report data is not valid JSON (" + e.message + ")."); }
      if (d === null || typeof d !== "object" || Array.isArray(d)) throw new Error("The report data is not a report document.");
      return d;
    });
  }

  // ---------------------------------------------------------------- load
  function load(d) {
    doc = d;
    steps = Array.isArray(d.steps) ? d.steps : [];
    N = steps.length;
    lanes = Array.isArray(d.lanes) ? d.lanes : [];
    markers = Array.isArray(d.markers) ? d.markers : [];
    for (var k = 0; k < N; k++) {
      if (steps[k] === null || typeof steps[k] !== "object") steps[k] = {};
    }
    stepLanes = new Map();
    for (var i = 0; i < lanes.length; i++) {
      var L = lanes[i];
      var ls = Array.isArray(L.steps) ? L.steps : [];
      for (var j = 0; j < ls.length; j++) {
        var s = ls[j];
        var arr = stepLanes.get(s);
        if (!arr) stepLanes.set(s, (arr = []));
        if (arr[arr.length - 1] !== i) arr.push(i);
      }
    }
    buildKeyframes();
    loaded = true;
  }

  function isRejectedVerdict() {
    var v = doc.verdict;
    return !!(v && typeof v === "object" && v.rejected && typeof v.rejected === "object");
  }

  // ---------------------------------------------------------------- header
  function fact(label, value, cls) {
    return h("span", { class: "fact" + (cls ? " " + cls : "") }, h("span", { class: "fact-label" }, label), h("span", { class: "fact-value" }, value));
  }
  function yesNo(v) {
    return v === true ? "yes" : v === false ? "no" : "\u2014";
  }
  function orDash(v) {
    return v === null || v === undefined || v === "" ? "\u2014" : v;
  }

  function renderHeader() {
    var rejected = isRejectedVerdict();
    var v = doc.verdict && typeof doc.verdict === "object" ? doc.verdict : {};
    var shown = rejected ? (doc.lenient && typeof doc.lenient === "object" ? doc.lenient : {}) : v;
    var status = rejected ? "rejected" : str(v.status) || "unknown";
    var root = h("header", { id: "verdict", class: "verdict", "data-status": status });

    var titleRow = h("div", { class: "title-row" });
    titleRow.appendChild(h("h1", { id: "title" }, bdi(doc.title || doc.source || "replaykit report")));
    var meta = h("div", { class: "meta" });
    if (doc.source !== undefined && doc.source !== null) meta.appendChild(fact("source", bdi(doc.source)));
    if (doc.run !== undefined && doc.run !== null) meta.appendChild(fact("run", bdi(doc.run)));
    if (doc.mode) meta.appendChild(fact("mode", bdi(doc.mode)));
    meta.appendChild(fact("records", String(N)));
    titleRow.appendChild(meta);
    root.appendChild(titleRow);

    var facts = h("div", { class: "facts" });
    facts.appendChild(h("span", { id: "status", class: "status-badge", "data-status": status }, status.replace(/_/g, " ")));
    if (rejected) facts.appendChild(h("span", { class: "lenient-label" }, "lenient verdict" + (shown.status ? " (" + clean(shown.status).replace(/_/g, " ") + ")" : "") + ":"));
    facts.appendChild(fact("resume allowed", yesNo(shown.resume_allowed), "resume-" + yesNo(shown.resume_allowed)));
    facts.appendChild(fact("latest seq", orDash(shown.latest_journal_seq)));
    facts.appendChild(fact("terminal status", orDash(shown.terminal_status)));
    if (shown.next_loop_state !== undefined) facts.appendChild(fact("next loop state", orDash(shown.next_loop_state)));
    root.appendChild(facts);

    if (rejected) {
      var r = v.rejected;
      var rstep = Number(r.index) + 1;
      var box = h("section", { id: "rejected", class: "rejected-box" });
      box.appendChild(h("h2", null, "The strict replay rejected a record"));
      var dl = h("dl", { class: "kv" });
      function row(k, val) {
        if (val === undefined) return;
        dl.appendChild(h("dt", null, k));
        dl.appendChild(h("dd", null, typeof val === "object" && val !== null && val.nodeType ? val : bdi(typeof val === "string" ? val : JSON.stringify(val))));
      }
      row("record", r.record_id);
      if (r.line !== undefined) row("line", r.line);
      if (r.row !== undefined) row("row", r.row);
      row("journal seq", r.journal_seq);
      row("error kind", r.kind);
      row("retry", r.retry);
      row("message", r.message);
      if (r.error !== undefined && r.error !== r.message) row("error", r.error);
      if (Number.isFinite(rstep)) row("step", stepLink(rstep, "step-link rejected-link", "go to step " + rstep));
      box.appendChild(dl);
      box.appendChild(h("p", { class: "lenient-note" },
        "The rest of this page shows the lenient verdict: the replay of the journal without its rejected records (status " +
        clean(orDash(shown.status)) + ")."));
      root.appendChild(box);
    }

    var counts = h("div", { class: "counts" });
    ["repair_needed", "unsafe_pending_side_effects", "missing_content_refs", "output_delivery_repairs"].forEach(function (key) {
      var list = shown[key];
      var n = Array.isArray(list) ? list.length : 0;
      counts.appendChild(h("span", { class: "count-chip" + (n ? " nonzero" : ""), "data-key": key }, h("b", null, String(n)), " " + key.replace(/_/g, " ")));
    });
    root.appendChild(counts);

    var raw = h("details", { class: "verdict-json" }, h("summary", null, rejected ? "verdict JSON (strict) and lenient verdict" : "verdict JSON"));
    raw.appendChild(h("pre", { id: "verdict-raw", class: "json", text: JSON.stringify(doc.verdict, null, 2) }));
    if (rejected) raw.appendChild(h("pre", { id: "lenient-raw", class: "json", text: JSON.stringify(doc.lenient, null, 2) }));
    root.appendChild(raw);

    root.appendChild(renderCauses());
    root.appendChild(renderAdvisories());
    return root;
  }

  // Advisories: what the reference verdict does not say, shown beside it, never in it.
  function renderAdvisories() {
    var list = Array.isArray(doc.advisories) ? doc.advisories : [];
    var sec = h("section", { class: "advisories-section" });
    sec.appendChild(h("h2", null, list.length
      ? "Advisories, beside the verdict: " + list.length
      : "Advisories: none"));
    var ol = h("ol", { id: "advisories", class: "advisories" });
    list.forEach(function (a, ai) {
      if (!a || typeof a !== "object") return;
      var sev = str(a.severity).replace(/[^a-z]/g, "");
      var li = h("li", { class: "advisory severity-" + sev, "data-code": str(a.code), "data-severity": sev, "data-index": ai });
      var head = h("div", { class: "advisory-head" },
        h("span", { class: "severity-badge" }, sev || "info"), " ", h("span", { class: "advisory-code" }, str(a.code)));
      var ent = a.entity && typeof a.entity === "object" ? a.entity : null;
      if (ent) head.appendChild(h("span", { class: "muted" }, " ", str(ent.kind), " ", bdi(ent.id, "entity-id")));
      li.appendChild(head);
      li.appendChild(h("p", { class: "advisory-meaning" }, bdi(a.meaning)));
      li.appendChild(h("p", { class: "advisory-action" }, h("span", { class: "fix-label" }, "Do"), " ", bdi(a.action)));
      var without = a.verdict_without && typeof a.verdict_without === "object" ? a.verdict_without : null;
      if (without) {
        li.appendChild(h("p", { class: "advisory-without muted" }, "Verdict without those records: ",
          h("strong", null, str(without.status)), ", resume " + (without.resume_allowed ? "allowed" : "refused")));
      }
      var steps = Array.isArray(a.steps) ? a.steps : [];
      if (steps.length) {
        var st = h("div", { class: "cause-steps" }, h("span", { class: "muted" }, "Steps:"));
        steps.slice(0, 20).forEach(function (k) {
          st.appendChild(document.createTextNode(" "));
          st.appendChild(stepLink(k));
        });
        if (steps.length > 20) st.appendChild(h("span", { class: "muted" }, " \u2026"));
        li.appendChild(st);
      }
      ol.appendChild(li);
    });
    sec.appendChild(h("div", { class: "causes-box" + (list.length > 6 ? " long" : "") }, ol));
    return sec;
  }

  function renderCauses() {
    var causes = Array.isArray(doc.causes) ? doc.causes : [];
    var sec = h("section", { class: "causes-section" });
    sec.appendChild(h("h2", null, causes.length ? "Why: " + plural(causes.length, "cause") : "Why: nothing to explain"));
    var ol = h("ol", { id: "causes", class: "causes" });
    function causeItem(c, ci) {
      c = c && typeof c === "object" ? c : {};
      var ent = c.entity && typeof c.entity === "object" ? c.entity : {};
      var li = h("li", { class: "cause", "data-index": ci, "data-kind": str(ent.kind) });
      li.appendChild(h("div", { class: "cause-head" },
        h("span", { class: "entity-kind" }, str(ent.kind) || "entity"), " ", bdi(ent.id, "entity-id")));
      li.appendChild(h("p", { class: "cause-summary" }, bdi(c.summary)));
      if (Array.isArray(c.events) && c.events.length) {
        var ev = h("ol", { class: "cause-events" });
        c.events.forEach(function (e) {
          if (!e || typeof e !== "object") return;
          ev.appendChild(h("li", null, stepLink(e.step, "event-link"), " ", bdi(e.what)));
        });
        li.appendChild(ev);
      }
      if (c.fix) li.appendChild(h("p", { class: "cause-fix" }, h("span", { class: "fix-label" }, "Fix"), " ", bdi(c.fix)));
      var st = h("div", { class: "cause-steps" }, h("span", { class: "muted" }, "Steps:"));
      (Array.isArray(c.steps) ? c.steps : []).forEach(function (k) {
        st.appendChild(document.createTextNode(" "));
        st.appendChild(stepLink(k));
      });
      var acc = c.accounts_for && typeof c.accounts_for === "object" ? c.accounts_for : null;
      if (acc) {
        var parts = [];
        Object.keys(acc).forEach(function (k) {
          if (Array.isArray(acc[k]) && acc[k].length) parts.push(k + " [" + acc[k].join(", ") + "]");
        });
        if (parts.length) st.appendChild(h("span", { class: "accounts muted" }, " \u00b7 accounts for " + parts.join(", ")));
      }
      li.appendChild(st);
      return li;
    }
    // Many causes: the first ones now, the rest in small batches once the page is ready.
    var now = Math.min(causes.length, CAUSES_NOW);
    for (var i = 0; i < now; i++) ol.appendChild(causeItem(causes[i], i));
    if (now < causes.length) {
      var next = now;
      var more = function () {
        var end = Math.min(causes.length, next + 250);
        var frag = document.createDocumentFragment();
        for (; next < end; next++) frag.appendChild(causeItem(causes[next], next));
        ol.appendChild(frag);
        if (next < causes.length) setTimeout(more, 0);
      };
      afterReady.push(function () { setTimeout(more, 0); });
    }
    sec.appendChild(h("div", { class: "causes-box" + (causes.length > 6 ? " long" : "") }, ol));
    return sec;
  }

  // ---------------------------------------------------------------- toolbar
  function renderToolbar() {
    var bar = h("div", { id: "toolbar", class: "toolbar" });
    ui.prev = h("button", { id: "prev", type: "button", title: "Previous step (\u2190)", "aria-label": "previous step" }, "\u25c0");
    ui.next = h("button", { id: "next", type: "button", title: "Next step (\u2192)", "aria-label": "next step" }, "\u25b6");
    ui.slider = h("input", { id: "step-slider", type: "range", min: 0, max: N, step: 1, value: 0, "aria-label": "step" });
    ui.stepNumber = h("span", { id: "step-number" }, "0");
    var nav = h("div", { class: "nav" }, ui.prev, ui.slider, ui.next,
      h("span", { class: "step-readout" }, "step ", ui.stepNumber, h("span", { class: "muted" }, " / " + N)));
    ui.search = h("input", { id: "search", type: "search", placeholder: "Filter: record id, effect id, seq, text\u2026", autocomplete: "off", spellcheck: "false", "aria-label": "filter steps" });
    ui.kindFilter = h("select", { id: "kind-filter", "aria-label": "record kind" });
    var all = h("option", { value: "" }, "all kinds");
    ui.kindFilter.appendChild(all);
    var kinds = [];
    var seen = new Set();
    for (var k = 0; k < N; k++) {
      var kd = str(steps[k].kind);
      if (!seen.has(kd)) { seen.add(kd); kinds.push(kd); }
    }
    kinds.sort();
    kinds.forEach(function (kd) {
      var o = document.createElement("option");
      o.value = kd;
      o.textContent = clean(kd) || "(none)";
      ui.kindFilter.appendChild(o);
    });
    ui.matchCount = h("span", { id: "match-count", class: "muted", "aria-live": "polite" });
    bar.appendChild(nav);
    bar.appendChild(h("div", { class: "filter" }, ui.search, ui.kindFilter, ui.matchCount));
    return bar;
  }

  // ---------------------------------------------------------------- timeline
  function renderTimelinePanel() {
    var sec = h("section", { id: "timeline", class: "panel timeline" + (markers.length > DENSE_MARKERS ? " dense" : "") });
    var head = h("div", { class: "panel-head" }, h("h2", null, "Timeline"),
      h("span", { class: "muted" }, plural(lanes.length, "lane") + " \u00b7 " + plural(markers.length, "marker")));
    var legend = h("div", { class: "legend" });
    [["sw-done", "closed"], ["sw-failed", "failed"], ["sw-open", "open at the end"]].forEach(function (x) {
      legend.appendChild(h("span", { class: "lg" }, h("i", { class: "sw " + x[0] }), x[1]));
    });
    [["checkpoint", "checkpoint"], ["recovery", "recovery"], ["terminal", "terminal"], ["rejected", "rejected"], ["advisory", "advisory"]].forEach(function (x) {
      legend.appendChild(h("span", { class: "lg" }, h("i", { class: "mk mk-" + x[0] }), x[1]));
    });
    head.appendChild(legend);
    sec.appendChild(head);

    var body = h("div", { class: "tl-body" });
    ui.tlAxis = sv("svg", { class: "tl-axis", height: AXIS_H, role: "img", "aria-label": "timeline axis and markers" });
    body.appendChild(ui.tlAxis);
    ui.tlScroll = h("div", { class: "tl-scroll", tabindex: "-1" });
    var boxH = Math.max(LANE_ROW_H * 2, Math.min(LANE_BOX_MAX, Math.max(1, lanes.length) * LANE_ROW_H));
    ui.tlScroll.style.height = boxH + "px";
    ui.tlSpacer = h("div", { class: "tl-spacer" });
    ui.tlSpacer.style.height = Math.max(1, lanes.length) * LANE_ROW_H + "px";
    ui.tlLanes = sv("svg", { class: "tl-lanes" });
    var defs = sv("defs");
    var pat = sv("pattern", { id: "rk-hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
    pat.appendChild(sv("rect", { class: "hatch-bg", width: 6, height: 6 }));
    pat.appendChild(sv("line", { class: "hatch-line", x1: 0, y1: 0, x2: 0, y2: 6 }));
    defs.appendChild(pat);
    ui.tlLanes.appendChild(defs);
    ui.tlLaneLayer = sv("g", { class: "lanes-layer" });
    ui.tlLanes.appendChild(ui.tlLaneLayer);
    ui.tlSpacer.appendChild(ui.tlLanes);
    ui.tlScroll.appendChild(ui.tlSpacer);
    body.appendChild(ui.tlScroll);
    ui.tlOverlay = sv("svg", { class: "tl-overlay", "aria-hidden": "true" });
    ui.tlOverlay.style.top = AXIS_H + "px";
    ui.tlOverlay.style.height = boxH + "px";
    body.appendChild(ui.tlOverlay);
    if (!lanes.length) body.appendChild(h("p", { class: "tl-empty muted" }, "No effects or output deliveries in this journal."));
    sec.appendChild(body);
    ui.timeline = sec;
    return sec;
  }

  var geo = { w: 0, x0: 0, x1: 0 };
  function computeGeo() {
    measure();
    var w = Math.max(320, ui.tlScroll.clientWidth || 800);
    var labelW = Math.round(Math.min(300, Math.max(150, w * 0.24)));
    geo.w = w;
    geo.labelW = labelW;
    geo.x0 = labelW + 10;
    geo.x1 = w - 22;
  }
  function xOf(s) {
    return geo.x0 + (N > 0 ? (s / N) * (geo.x1 - geo.x0) : 0);
  }
  function stepAtX(px) {
    if (N <= 0) return 0;
    var s = Math.round(((px - geo.x0) / (geo.x1 - geo.x0)) * N);
    return Math.max(0, Math.min(N, s));
  }
  function niceTick(n, px) {
    var target = Math.max(2, Math.floor(px / 80));
    var raw = Math.max(1, n / target);
    var p = Math.pow(10, Math.floor(Math.log10(raw)));
    var m = raw / p;
    var t = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
    return Math.max(1, t * p);
  }

  function markerGlyph(kind, x) {
    var y = 25;
    if (kind === "checkpoint") return sv("path", { class: "glyph", d: "M" + x + " " + (y - 5) + "l5 5l-5 5l-5 -5z" });
    if (kind === "recovery") return sv("path", { class: "glyph", d: "M" + x + " " + (y - 5) + "l5 9h-10z" });
    if (kind === "terminal") return sv("rect", { class: "glyph", x: x - 4, y: y - 4, width: 8, height: 8 });
    if (kind === "rejected") return sv("path", { class: "glyph", d: "M" + (x - 4) + " " + (y - 4) + "l8 8m0 -8l-8 8" });
    if (kind === "advisory") return sv("path", { class: "glyph", d: "M" + x + " " + (y + 5) + "l5 -9h-10z" });
    return sv("circle", { class: "glyph", cx: x, cy: y, r: 4 });
  }

  function renderTimeline() {
    if (!ui.tlAxis) return;
    computeGeo();
    var w = geo.w;
    // axis
    var ax = ui.tlAxis;
    clear(ax);
    ax.setAttribute("width", w);
    ax.setAttribute("viewBox", "0 0 " + w + " " + AXIS_H);
    ax.appendChild(sv("rect", { class: "axis-bg", x: 0, y: 0, width: w, height: AXIS_H }));
    ax.appendChild(sv("text", { class: "axis-caption", x: 8, y: AXIS_H - 8 }, (doc.unit === "row" ? "effects & deliveries" : "effects & deliveries") + "  \u2192 step"));
    ax.appendChild(sv("line", { class: "axis-line", x1: geo.x0, x2: geo.x1, y1: AXIS_H - 0.5, y2: AXIS_H - 0.5 }));
    var tick = niceTick(N, geo.x1 - geo.x0);
    for (var t = 0; t <= N; t += tick) {
      var x = xOf(t);
      ax.appendChild(sv("line", { class: "tick", x1: x, x2: x, y1: AXIS_H - 5, y2: AXIS_H }));
      ax.appendChild(sv("line", { class: "tick tick-top", x1: x, x2: x, y1: 14, y2: 17 }));
      ax.appendChild(sv("text", { class: "tick-label", x: x, y: 11, "text-anchor": "middle" }, String(t)));
    }
    if (N % tick !== 0 || N === 0) {
      var xe = xOf(N);
      ax.appendChild(sv("line", { class: "tick", x1: xe, x2: xe, y1: AXIS_H - 5, y2: AXIS_H }));
    }
    var mg = sv("g", { class: "markers" });
    var dense = markers.length > DENSE_MARKERS;
    markers.forEach(function (m, i) {
      if (!m || typeof m !== "object") return;
      var kind = str(m.kind);
      var s = Number(m.step);
      if (!Number.isFinite(s)) return;
      var mx = xOf(Math.max(0, Math.min(N, s)));
      var sevClass = m.severity ? " severity-" + str(m.severity).replace(/[^a-z]/g, "") : "";
      var g = sv("g", { class: "marker marker-" + kind.replace(/[^A-Za-z0-9_-]/g, "_") + sevClass, "data-step": s, "data-index": i });
      g.appendChild(sv("title", null, cleanSvg("step " + s + " \u00b7 " + kind + (m.label ? ": " + str(m.label) : ""))));
      if (!dense) {
        g.appendChild(sv("rect", { class: "hit", x: mx - 6, y: 16, width: 12, height: AXIS_H - 16 }));
        g.appendChild(sv("line", { class: "marker-tick", x1: mx, x2: mx, y1: 31, y2: AXIS_H }));
      }
      g.appendChild(markerGlyph(kind, mx));
      mg.appendChild(g);
    });
    ax.appendChild(mg);
    ui.axisCursor = sv("g", { class: "cursor", id: "timeline-cursor" });
    ax.appendChild(ui.axisCursor);

    // overlay: marker lines and cursor over the lanes
    var ov = ui.tlOverlay;
    clear(ov);
    var oh = view.lanesVH || LANE_ROW_H;
    ov.setAttribute("width", w);
    ov.setAttribute("height", oh);
    ov.style.height = oh + "px";
    markers.forEach(function (m) {
      if (!m || typeof m !== "object") return;
      if (dense && m.kind !== "rejected" && m.kind !== "terminal") return;
      var s = Number(m.step);
      if (!Number.isFinite(s)) return;
      var mx = xOf(Math.max(0, Math.min(N, s)));
      ov.appendChild(sv("line", { class: "mline mline-" + str(m.kind).replace(/[^A-Za-z0-9_-]/g, "_"), x1: mx, x2: mx, y1: 0, y2: oh }));
    });
    ui.ovCursor = sv("line", { class: "cursor-line", x1: 0, x2: 0, y1: 0, y2: oh });
    ov.appendChild(ui.ovCursor);

    ui.tlLanes.setAttribute("width", w);
    renderLanes(true);
    updateCursor();
  }

  var laneWindow = { first: -1, last: -1 };
  // Scroll positions and box heights, read in one place so that selecting a step never forces a layout.
  var view = { stepsTop: 0, stepsVH: 0, lanesTop: 0, lanesVH: 0 };
  function measure() {
    view.stepsTop = ui.steps.scrollTop;
    view.stepsVH = ui.steps.clientHeight;
    view.lanesTop = ui.tlScroll.scrollTop;
    view.lanesVH = ui.tlScroll.clientHeight;
  }
  function renderLanes(force) {
    var H = LANE_ROW_H;
    var top = view.lanesTop;
    var vh = view.lanesVH || LANE_BOX_MAX;
    var first = Math.max(0, Math.floor(top / H) - OVERSCAN);
    var last = Math.min(lanes.length, Math.ceil((top + vh) / H) + OVERSCAN);
    if (!force && first === laneWindow.first && last === laneWindow.last) return;
    laneWindow.first = first;
    laneWindow.last = last;
    var svg = ui.tlLanes;
    svg.style.top = first * H + "px";
    svg.setAttribute("height", Math.max(1, (last - first) * H));
    var layer = ui.tlLaneLayer;
    clear(layer);
    var active = stepLanes.get(current) || [];
    var frag = document.createDocumentFragment();
    for (var i = first; i < last; i++) {
      var L = lanes[i] && typeof lanes[i] === "object" ? lanes[i] : {};
      var open = L.open === true;
      var start = Math.max(0, Math.min(N, Number(L.start) || 0));
      var endRaw = L.end === null || L.end === undefined ? null : Number(L.end);
      var end = open || endRaw === null || !Number.isFinite(endRaw) ? N : Math.max(start, Math.min(N, endRaw));
      var status = str(L.status);
      var cls = "lane" + (open ? " open" : "") + " status-" + status.replace(/[^A-Za-z0-9_-]/g, "_");
      if (filter.laneDim && filter.laneDim[i]) cls += " dim";
      if (active.indexOf(i) >= 0) cls += " active";
      var g = sv("g", { class: cls, "data-lane": i, "data-step": start, transform: "translate(0," + (i - first) * H + ")" });
      var lsteps = Array.isArray(L.steps) ? L.steps : [];
      g.appendChild(sv("title", null, cleanSvg(str(L.kind) + " " + str(L.id) + "\nstatus: " + status + (open ? " (open at the end)" : "") +
        "\nsteps " + start + "\u2013" + (endRaw === null ? "end" : endRaw) + " \u00b7 " + plural(lsteps.length, "record"))));
      g.appendChild(sv("rect", { class: "lane-bg", x: 0, y: 0, width: geo.w, height: H }));
      var label = sv("text", { class: "lane-label", x: 8, y: H / 2 + 4 });
      var kindT = sv("tspan", { class: "lane-kind" }, cleanSvg(str(L.kind)) + " ");
      label.appendChild(kindT);
      var maxChars = Math.max(8, Math.floor((geo.labelW - 14) / 6.4) - str(L.kind).length - 1);
      label.appendChild(sv("tspan", { class: "lane-id" }, truncate(cleanSvg(str(L.id)), maxChars)));
      g.appendChild(label);
      var x1 = xOf(start), x2 = xOf(end);
      var bw = Math.max(4, x2 - x1);
      g.appendChild(sv("rect", { class: "lane-bar", x: x1 - (x2 - x1 < 4 ? 2 : 0), y: 4, width: bw, height: H - 8, rx: 2 }));
      if (lsteps.length && lsteps.length <= 64) {
        for (var j = 0; j < lsteps.length; j++) {
          var s = Number(lsteps[j]);
          if (!Number.isFinite(s)) continue;
          g.appendChild(sv("rect", { class: "lane-step" + (s === current ? " here" : ""), x: xOf(s) - 1, y: 3, width: 2, height: H - 6 }));
        }
      }
      if (open) g.appendChild(sv("path", { class: "open-arrow", d: "M" + (xOf(N) + 1) + " 4l6 " + (H / 2 - 4) + "l-6 " + (H / 2 - 4) + "z" }));
      frag.appendChild(g);
    }
    layer.appendChild(frag);
  }

  function updateCursor() {
    if (!ui.axisCursor) return;
    var x = xOf(current);
    clear(ui.axisCursor);
    var label = String(current);
    var pw = 8 + 6.5 * label.length;
    var px = Math.max(1, Math.min(geo.w - pw - 1, x - pw / 2));
    ui.axisCursor.appendChild(sv("line", { class: "cursor-line", x1: x, x2: x, y1: 14, y2: AXIS_H }));
    ui.axisCursor.appendChild(sv("rect", { class: "cursor-head", x: px, y: 0, width: pw, height: 15, rx: 3 }));
    ui.axisCursor.appendChild(sv("text", { class: "cursor-label", x: px + pw / 2, y: 11, "text-anchor": "middle" }, label));
    ui.axisCursor.setAttribute("data-step", current);
    if (ui.ovCursor) {
      ui.ovCursor.setAttribute("x1", x);
      ui.ovCursor.setAttribute("x2", x);
    }
  }

  function scrollLaneIntoView() {
    var act = stepLanes.get(current);
    if (!act || !act.length || !ui.tlScroll) return;
    var H = LANE_ROW_H;
    var top = view.lanesTop, vh = view.lanesVH;
    if (vh <= 0) return;
    for (var i = 0; i < act.length; i++) {
      var y = act[i] * H;
      if (y >= top && y + H <= top + vh) return; // one is visible already
    }
    var y0 = act[0] * H;
    var v = Math.max(0, Math.min(lanes.length * H - vh, y0 - Math.floor(vh / 3)));
    view.lanesTop = v;
    ui.tlScroll.scrollTop = v;
  }

  function timelineClick(ev, isAxis) {
    var t = ev.target;
    var mk = t.closest ? t.closest(".marker") : null;
    if (mk && isAxis) {
      select(Number(mk.getAttribute("data-step")), "timeline");
      return;
    }
    if (!isAxis) {
      var lane = t.closest ? t.closest(".lane") : null;
      if (lane && t.closest(".lane-bar, .lane-label, .open-arrow")) {
        select(Number(lane.getAttribute("data-step")), "timeline");
        return;
      }
    }
    var svg = isAxis ? ui.tlAxis : ui.tlScroll;
    var rect = svg.getBoundingClientRect();
    select(stepAtX(ev.clientX - rect.left), "timeline");
  }

  // ---------------------------------------------------------------- steps list
  function renderStepsPanel() {
    var sec = h("section", { class: "panel steps-panel" });
    sec.appendChild(h("div", { class: "panel-head" }, h("h2", null, "Steps"),
      h("span", { class: "muted" }, plural(N, "record") + " \u00b7 " + (doc.unit === "row" ? "rows" : "lines") + " of " + clean(doc.source || "the journal"))));
    sec.appendChild(h("div", { class: "steps-head step-grid", role: "row" },
      h("span", { class: "c-step" }, "step"), h("span", { class: "c-loc" }, doc.unit === "row" ? "row" : "line"),
      h("span", { class: "c-seq" }, "seq"), h("span", { class: "c-kind" }, "kind"), h("span", { class: "c-payload" }, "payload"),
      h("span", { class: "c-id" }, "record id"), h("span", { class: "c-outcome" }, "outcome"), h("span", { class: "c-summary" }, "summary")));
    ui.steps = h("div", { id: "steps", class: "steps-scroll", tabindex: "0", role: "grid", "aria-label": "steps" });
    ui.stepsSpacer = h("div", { class: "steps-spacer" });
    ui.steps.appendChild(ui.stepsSpacer);
    sec.appendChild(ui.steps);
    return sec;
  }

  function orderLength() {
    return filter.order ? filter.order.length : N + 1;
  }
  function orderAt(i) {
    return filter.order ? filter.order[i] : i;
  }
  function positionOf(step) {
    if (!filter.order) return step;
    var a = filter.order, lo = 0, hi = a.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (a[mid] === step) return mid;
      if (a[mid] < step) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  function makeRow(k, pos) {
    var unitWord = doc.unit === "row" ? "row " : "line ";
    var row = document.createElement("div");
    row.style.top = pos * STEP_ROW_H + "px";
    row.setAttribute("data-step", k);
    row.setAttribute("role", "row");
    var cls = "step-row step-grid";
    if (k === 0) {
      row.className = cls + " initial" + (k === current ? " selected" : "");
      row.appendChild(h("span", { class: "c-step" }, "0"));
      row.appendChild(h("span", { class: "c-initial" }, "initial state (before the first record)"));
      return row;
    }
    var s = steps[k - 1];
    var accepted = s.accepted !== false;
    if (!accepted) cls += " rejected";
    if (k === current) cls += " selected";
    if (stepLanes.has(k)) cls += " has-lane";
    row.className = cls;
    var kind = clean(s.kind), payload = clean(s.payload), id = clean(s.id), summary = clean(s.summary);
    row.appendChild(h("span", { class: "c-step" }, String(k)));
    row.appendChild(h("span", { class: "c-loc" }, s.location === undefined || s.location === null ? "" : unitWord + clean(s.location)));
    row.appendChild(h("span", { class: "c-seq" }, s.seq === undefined || s.seq === null ? "" : clean(s.seq)));
    row.appendChild(h("span", { class: "c-kind kind-" + kind.replace(/[^A-Za-z0-9_-]/g, "_"), title: kind }, bdi(kind)));
    row.appendChild(h("span", { class: "c-payload" + (payload === kind ? " same" : ""), title: payload }, bdi(payload)));
    row.appendChild(h("span", { class: "c-id", title: id }, bdi(id)));
    var err = s.error && typeof s.error === "object" ? s.error : null;
    row.appendChild(h("span", { class: "c-outcome " + (accepted ? "ok" : "bad"), title: err ? clean(err.kind) + ": " + clean(err.message) : null }, accepted ? "accepted" : "rejected"));
    row.appendChild(h("span", { class: "c-summary", title: summary || null }, summary ? bdi(summary) : accepted ? "" : bdi(err ? str(err.kind) + ": " + str(err.message) : "")));
    return row;
  }

  var stepWindow = { first: -1, last: -1, force: true };
  var rowEls = new Map();
  function renderSteps(force) {
    var count = orderLength();
    var first, last;
    if (count <= NONVIRTUAL_MAX) {
      first = 0;
      last = count;
    } else {
      var top = view.stepsTop, vh = view.stepsVH || 600;
      first = Math.max(0, Math.floor(top / STEP_ROW_H) - OVERSCAN);
      last = Math.min(count, Math.ceil((top + vh) / STEP_ROW_H) + OVERSCAN);
    }
    if (!force && first === stepWindow.first && last === stepWindow.last) return;
    stepWindow.first = first;
    stepWindow.last = last;
    ui.stepsSpacer.style.height = Math.max(1, count) * STEP_ROW_H + "px";
    clear(ui.stepsSpacer);
    var frag = document.createDocumentFragment();
    rowEls = new Map();
    for (var i = first; i < last; i++) {
      var k = orderAt(i);
      var row = makeRow(k, i);
      rowEls.set(k, row);
      frag.appendChild(row);
    }
    if (count === 0) frag.appendChild(h("p", { class: "no-match muted" }, "No step matches the filter."));
    ui.stepsSpacer.appendChild(frag);
  }

  function markSelectedRow() {
    var old = ui.stepsSpacer.querySelectorAll(".step-row.selected");
    for (var i = 0; i < old.length; i++) if (Number(old[i].getAttribute("data-step")) !== current) old[i].classList.remove("selected");
    var row = rowEls.get(current);
    if (row) row.classList.add("selected");
  }

  function scrollStepIntoView() {
    var pos = positionOf(current);
    if (pos < 0) return;
    var H = STEP_ROW_H;
    var y = pos * H;
    var top = view.stepsTop, vh = view.stepsVH;
    if (vh <= 0) return;
    var v = top;
    if (y < top - 3 * H || y > top + vh + 2 * H) v = y - Math.floor(vh / 2); // a jump: centre it
    else if (y < top) v = y - H;
    else if (y + H > top + vh) v = y + 2 * H - vh;
    v = Math.max(0, Math.min(orderLength() * H - vh, v));
    if (v !== top) {
      view.stepsTop = v;
      ui.steps.scrollTop = v;
    }
  }

  // ---------------------------------------------------------------- detail panel
  function renderDetailPanel() {
    var sec = h("section", { id: "detail", class: "panel detail" });
    ui.detailHead = h("div", { id: "detail-head", class: "detail-head" });
    sec.appendChild(ui.detailHead);
    ui.diff = h("ul", { id: "diff", class: "diff" });
    sec.appendChild(h("section", { class: "sub" }, h("h3", null, "Changes to the replay state"), ui.diff));
    ui.record = h("div", { id: "record", class: "record" });
    ui.recordTitle = h("h3", null, "Record");
    sec.appendChild(h("section", { class: "sub" }, ui.recordTitle, ui.record));
    ui.stateTitle = h("h3", null, "State");
    ui.stateTree = h("div", { id: "state-tree", class: "tree" });
    ui.stateRaw = h("pre", { id: "state-raw", class: "json" });
    ui.state = h("div", { id: "state", class: "state" }, ui.stateTree,
      h("details", { class: "raw" }, h("summary", null, "raw JSON (keys sorted)"), ui.stateRaw));
    sec.appendChild(h("section", { class: "sub" }, ui.stateTitle, ui.state));
    return sec;
  }

  function shortJSON(v, max) {
    var s = JSON.stringify(v);
    if (s === undefined) s = "undefined";
    return truncate(clean(s), max || 2000);
  }

  function renderDetail(k) {
    var s = k > 0 ? steps[k - 1] : null;
    // head
    clear(ui.detailHead);
    var unitWord = doc.unit === "row" ? "row" : "line";
    if (!s) {
      ui.detailHead.appendChild(h("div", { class: "dh-title" }, h("span", { class: "dh-step" }, "Step 0"), " initial state"));
      ui.detailHead.appendChild(h("div", { class: "dh-meta muted" }, "The replay state before the first record is applied."));
    } else {
      var accepted = s.accepted !== false;
      ui.detailHead.appendChild(h("div", { class: "dh-title" }, h("span", { class: "dh-step" }, "Step " + k),
        " ", h("span", { class: "pill kind" }, bdi(s.kind)),
        s.payload !== s.kind ? [" ", h("span", { class: "pill payload" }, bdi(s.payload))] : null,
        " ", h("span", { class: "pill " + (accepted ? "ok" : "bad") }, accepted ? "accepted" : "rejected")));
      ui.detailHead.appendChild(h("div", { class: "dh-meta" },
        fact(unitWord, clean(s.location)), fact("seq", clean(s.seq)), fact("record", bdi(s.id))));
      if (s.summary) ui.detailHead.appendChild(h("div", { class: "dh-summary" }, bdi(s.summary)));
      var ls = stepLanes.get(k);
      if (ls && ls.length) {
        var lanesEl = h("div", { class: "dh-lanes muted" }, "concerns ");
        ls.slice(0, 12).forEach(function (li, j) {
          var L = lanes[li] || {};
          if (j) lanesEl.appendChild(document.createTextNode(", "));
          lanesEl.appendChild(h("span", { class: "lane-ref" + (L.open ? " open" : "") }, clean(L.kind) + " ", bdi(L.id), " (" + clean(L.status) + ")"));
        });
        if (ls.length > 12) lanesEl.appendChild(document.createTextNode(" and " + (ls.length - 12) + " more"));
        ui.detailHead.appendChild(lanesEl);
      }
    }

    // state (before, to show old values; then after)
    var before = null, after = null, stateErr = null;
    var patch = s && Array.isArray(s.patch) ? s.patch : [];
    try {
      if (k === 0) {
        after = computeState(0);
      } else {
        before = computeState(k - 1);
        var olds = patch.map(function (op) {
          if (!op || (op.op !== "remove" && op.op !== "replace")) return undefined;
          try { return { v: lookup(before, op.path) }; } catch (e) { return undefined; }
        });
        after = applyPatch(before, patch); // "before" is our own copy
        before = olds;
      }
    } catch (e) {
      stateErr = e;
    }

    // diff
    clear(ui.diff);
    if (!patch.length) {
      ui.diff.appendChild(h("li", { class: "no-change muted" }, k === 0 ? "no change (initial state)" : "no change"));
    } else {
      patch.forEach(function (op, i) {
        op = op && typeof op === "object" ? op : {};
        var o = str(op.op);
        var li = h("li", { class: "op op-" + o.replace(/[^A-Za-z0-9_-]/g, "_") });
        li.appendChild(h("span", { class: "op-name" }, o === "add" ? "+ add" : o === "remove" ? "\u2212 remove" : o === "replace" ? "~ replace" : o));
        li.appendChild(h("code", { class: "op-path" }, bdi(op.path)));
        var old = before && before[i];
        if (old && o === "replace") li.appendChild(h("code", { class: "op-old" }, shortJSON(old.v)));
        if (old && o === "remove") li.appendChild(h("code", { class: "op-old" }, shortJSON(old.v)));
        if (hasOwn.call(op, "value")) li.appendChild(h("code", { class: "op-value" }, shortJSON(op.value)));
        ui.diff.appendChild(li);
      });
    }

    // record
    clear(ui.record);
    if (!s) {
      ui.recordTitle.textContent = "Record";
      ui.record.appendChild(h("p", { class: "muted" }, "Step 0 is the state before any record."));
    } else {
      ui.recordTitle.textContent = "Record (" + unitWord + " " + clean(s.location) + ")";
      if (s.accepted === false || s.error) {
        var e = s.error && typeof s.error === "object" ? s.error : {};
        var box = h("div", { class: "error-box" }, h("div", { class: "error-title" }, s.accepted === false ? "Rejected by the replay" : "Error"));
        var dl = h("dl", { class: "kv" });
        [["kind", e.kind], ["retry", e.retry], ["message", e.message]].forEach(function (p) {
          if (p[1] === undefined) return;
          dl.appendChild(h("dt", null, p[0]));
          dl.appendChild(h("dd", null, bdi(p[1])));
        });
        box.appendChild(dl);
        ui.record.appendChild(box);
      }
      ui.record.appendChild(h("pre", { class: "json record-json", text: JSON.stringify(s.record === undefined ? null : s.record, null, 2) }));
    }

    // state
    ui.stateTitle.textContent = "State after step " + k;
    clear(ui.stateTree);
    if (stateErr) {
      ui.stateTree.appendChild(h("p", { class: "error-box" }, "The state could not be computed: " + clean(stateErr.message)));
      ui.stateRaw.textContent = "";
      return;
    }
    var changed = changedPaths(patch);
    ui.stateTree.appendChild(treeNode(after, null, "", 0, changed, true));
    ui.stateRaw.textContent = sortedJSON(after, "");
  }

  function changedPaths(patch) {
    var exact = new Map(), anc = new Set();
    patch.forEach(function (op) {
      if (!op || typeof op.path !== "string" || op.op === "remove") return;
      var t;
      try { t = parsePointer(op.path); } catch (e) { return; }
      var p = "";
      for (var i = 0; i < t.length; i++) {
        anc.add(p);
        p += "/" + escToken(t[i]);
      }
      exact.set(p, str(op.op));
    });
    return { exact: exact, anc: anc };
  }

  function typeName(v) {
    return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
  }

  function treeNode(v, key, path, depth, changed, open) {
    var isObj = v !== null && typeof v === "object";
    var keyEl = key === null ? null : h("span", { class: "k" }, bdi(key));
    var chg = changed.exact.get(path);
    if (!isObj) {
      var leaf = h("div", { class: "leaf" + (chg ? " changed chg-" + chg : ""), "data-path": path });
      if (keyEl) leaf.appendChild(keyEl);
      if (keyEl) leaf.appendChild(document.createTextNode(": "));
      leaf.appendChild(h("span", { class: "v v-" + typeName(v) }, shortJSON(v, 4000)));
      return leaf;
    }
    var isArr = Array.isArray(v);
    var keys = isArr ? null : Object.keys(v).sort();
    var n = isArr ? v.length : keys.length;
    var det = document.createElement("details");
    det.className = "node" + (chg ? " changed chg-" + chg : "");
    det.setAttribute("data-path", path);
    var sum = document.createElement("summary");
    if (keyEl) { sum.appendChild(keyEl); sum.appendChild(document.createTextNode(": ")); }
    else sum.appendChild(h("span", { class: "k root" }, "state"));
    sum.appendChild(h("span", { class: "count" }, isArr ? "[" + n + "]" : "{" + n + "}"));
    if (n === 0) det.className += " empty";
    else if (!isArr) sum.appendChild(h("span", { class: "preview muted" }, " " + truncate(clean(keys.slice(0, 4).join(", ")), 80) + (n > 4 ? ", \u2026" : "")));
    det.appendChild(sum);
    var built = false;
    var shown = 0;
    var box = h("div", { class: "children" });
    det.appendChild(box);
    function more() {
      var end = Math.min(n, shown + CHILD_PAGE);
      var frag = document.createDocumentFragment();
      for (var i = shown; i < end; i++) {
        var ck = isArr ? String(i) : keys[i];
        var cv = isArr ? v[i] : v[ck];
        var cp = path + "/" + escToken(ck);
        frag.appendChild(treeNode(cv, isArr ? i : ck, cp, depth + 1, changed, false));
      }
      shown = end;
      var old = box.querySelector(":scope > .more");
      if (old) box.removeChild(old);
      box.appendChild(frag);
      if (shown < n) {
        var b = h("button", { type: "button", class: "more" }, "show " + Math.min(CHILD_PAGE, n - shown) + " more of " + (n - shown));
        b.addEventListener("click", more);
        box.appendChild(b);
      }
    }
    function build() {
      if (built) return;
      built = true;
      more();
    }
    det.addEventListener("toggle", function () { if (det.open) build(); });
    var autoOpen = open || (changed.anc.has(path) && n <= AUTO_OPEN_MAX);
    if (autoOpen && n > 0) {
      build();
      det.open = true;
    }
    return det;
  }

  // ---------------------------------------------------------------- filter
  function buildHaystacks() {
    haystacks = new Array(N + 1);
    haystacks[0] = "";
    for (var k = 1; k <= N; k++) {
      var s = steps[k - 1];
      var parts = [str(s.id), str(s.kind), str(s.payload), str(s.summary)];
      if (s.error && typeof s.error === "object") parts.push(str(s.error.kind), str(s.error.message), str(s.error.retry));
      var ls = stepLanes.get(k);
      if (ls) for (var i = 0; i < ls.length; i++) if (lanes[ls[i]]) parts.push(str(lanes[ls[i]].id));
      var rec = "";
      try { rec = JSON.stringify(s.record) || ""; } catch (e) { rec = ""; }
      parts.push(rec);
      haystacks[k] = parts.join("\n").toLowerCase();
    }
  }

  function applyFilter() {
    var q = ui.search.value.trim();
    var kind = ui.kindFilter.value;
    filter.q = q;
    filter.kind = kind;
    filter.active = q !== "" || kind !== "";
    if (!filter.active) {
      filter.order = null;
      filter.laneDim = null;
      filter.count = N;
      ui.matchCount.textContent = plural(N, "step");
      ui.matchCount.setAttribute("data-count", N);
      ui.timeline.classList.remove("filtering");
    } else {
      var numeric = /^[0-9]+$/.test(q) ? Number(q) : null;
      var ql = q.toLowerCase();
      if (q !== "" && numeric === null && !haystacks) buildHaystacks();
      var out = [];
      var set = new Uint8Array(N + 1);
      for (var k = 1; k <= N; k++) {
        var s = steps[k - 1];
        if (kind !== "" && str(s.kind) !== kind) continue;
        if (q !== "") {
          if (numeric !== null) {
            if (Number(s.seq) !== numeric) continue;
          } else if (haystacks[k].indexOf(ql) < 0) continue;
        }
        out.push(k);
        set[k] = 1;
      }
      filter.order = Int32Array.from(out);
      filter.count = out.length;
      var dim = new Uint8Array(lanes.length);
      for (var i = 0; i < lanes.length; i++) {
        var L = lanes[i] || {};
        var match = false;
        if (kind === "" && numeric === null && q !== "" && (str(L.id) + "\n" + str(L.kind)).toLowerCase().indexOf(ql) >= 0) match = true;
        var ls = Array.isArray(L.steps) ? L.steps : [];
        for (var j = 0; !match && j < ls.length; j++) if (set[ls[j]]) match = true;
        dim[i] = match ? 0 : 1;
      }
      filter.laneDim = dim;
      ui.matchCount.textContent = plural(out.length, "match", "matches") + " of " + N;
      ui.matchCount.setAttribute("data-count", out.length);
      ui.timeline.classList.add("filtering");
    }
    if (view.stepsTop !== 0) {
      view.stepsTop = 0;
      ui.steps.scrollTop = 0;
    }
    renderSteps(true);
    measure(); // the list's box grows and shrinks with the number of rows
    scrollStepIntoView();
    renderSteps(false);
    renderLanes(true);
  }

  // ---------------------------------------------------------------- selection
  function select(n, origin) {
    n = Number(n);
    if (!Number.isFinite(n)) n = 0;
    n = Math.trunc(n);
    if (!loaded) {
      pendingSelect = n;
      return;
    }
    n = Math.max(0, Math.min(N, n));
    current = n;
    ui.slider.value = String(n);
    ui.stepNumber.textContent = String(n);
    ui.prev.disabled = n <= 0;
    ui.next.disabled = n >= N;
    // scroll first (while the layout is clean: writing scrollTop forces one), then build
    scrollStepIntoView();
    if (origin !== "timeline") scrollLaneIntoView();
    renderSteps(false);
    markSelectedRow();
    renderLanes(true);
    updateCursor();
    renderDetail(n);
    if (origin !== "init") setHash(n);
  }

  // Chromium ignores history updates beyond a few hundred per ten seconds: stay well below,
  // and when a key is held down, write the last step a moment later instead.
  var hashTimes = [];
  var hashTimer = 0;
  function setHash(n) {
    var now = Date.now();
    while (hashTimes.length && now - hashTimes[0] > 10000) hashTimes.shift();
    if (hashTimer) { clearTimeout(hashTimer); hashTimer = 0; }
    if (hashTimes.length < 80) {
      hashTimes.push(now);
      writeHash(n);
    } else {
      hashTimer = setTimeout(function () { hashTimer = 0; hashTimes.push(Date.now()); writeHash(current); }, 400);
    }
  }
  function writeHash(n) {
    if (location.hash === "#step=" + n) return;
    try { history.replaceState(null, "", "#step=" + n); } catch (e) { /* a sandboxed page may refuse */ }
  }

  function hashStep() {
    var m = /^#step=(\d+)$/.exec(location.hash || "");
    return m ? Number(m[1]) : null;
  }

  // ---------------------------------------------------------------- events
  function isTextInput(el) {
    if (!el || el === document.body) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag === "INPUT") {
      var t = (el.getAttribute("type") || "text").toLowerCase();
      return ["text", "search", "number", "email", "url", "password", "tel"].indexOf(t) >= 0;
    }
    return false;
  }

  function wire() {
    ui.prev.addEventListener("click", function () { select(current - 1); });
    ui.next.addEventListener("click", function () { select(current + 1); });
    ui.slider.addEventListener("input", function () { select(Number(ui.slider.value)); });
    document.addEventListener("keydown", function (ev) {
      if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
      if (isTextInput(ev.target)) return;
      var d = null;
      switch (ev.key) {
        case "ArrowLeft": d = current - 1; break;
        case "ArrowRight": d = current + 1; break;
        case "Home": d = 0; break;
        case "End": d = N; break;
        case "PageUp": d = current - 10; break;
        case "PageDown": d = current + 10; break;
        case "ArrowUp":
        case "ArrowDown":
          // in the steps list, up and down walk the (filtered) list
          if (!ui.steps.contains(ev.target)) return;
          var pos = positionOf(current);
          var len = orderLength();
          if (!len) return;
          if (pos < 0) pos = ev.key === "ArrowDown" ? -1 : len;
          pos = Math.max(0, Math.min(len - 1, pos + (ev.key === "ArrowDown" ? 1 : -1)));
          d = orderAt(pos);
          break;
        default: return;
      }
      ev.preventDefault();
      select(d);
    });
    ui.steps.addEventListener("click", function (ev) {
      var row = ev.target.closest ? ev.target.closest(".step-row") : null;
      if (row) select(Number(row.getAttribute("data-step")), "list");
    });
    var stepsRaf = 0;
    ui.steps.addEventListener("scroll", function () {
      if (stepsRaf) return;
      stepsRaf = requestAnimationFrame(function () { stepsRaf = 0; measure(); renderSteps(false); });
    }, { passive: true });
    var lanesRaf = 0;
    ui.tlScroll.addEventListener("scroll", function () {
      if (lanesRaf) return;
      lanesRaf = requestAnimationFrame(function () { lanesRaf = 0; measure(); renderLanes(false); });
    }, { passive: true });
    ui.tlScroll.addEventListener("click", function (ev) { timelineClick(ev, false); });
    ui.tlAxis.addEventListener("click", function (ev) { timelineClick(ev, true); });
    document.addEventListener("click", function (ev) {
      var a = ev.target.closest ? ev.target.closest("a[data-step]") : null;
      if (!a) return;
      ev.preventDefault();
      select(Number(a.getAttribute("data-step")));
      var d = document.getElementById("detail");
      if (d && d.getBoundingClientRect().top > window.innerHeight - 80) d.scrollIntoView({ block: "start", behavior: "smooth" });
    });
    ui.search.addEventListener("input", applyFilter);
    ui.kindFilter.addEventListener("change", applyFilter);
    ui.search.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") {
        ev.preventDefault();
        applyFilter();
        if (filter.active && filter.order && filter.order.length) select(filter.order[0]);
      } else if (ev.key === "Escape") {
        ui.search.value = "";
        applyFilter();
      }
    });
    window.addEventListener("hashchange", function () {
      var s = hashStep();
      if (s !== null && s !== current) select(s);
    });
    var resizeRaf = 0;
    window.addEventListener("resize", function () {
      if (resizeRaf) return;
      resizeRaf = requestAnimationFrame(function () { resizeRaf = 0; renderTimeline(); renderSteps(true); });
    });
  }

  // ---------------------------------------------------------------- page
  function render() {
    var app = document.getElementById("app");
    clear(app);
    app.className = "rk";
    app.appendChild(renderHeader());
    if (doc.sampling && typeof doc.sampling === "object") {
      app.appendChild(h("div", { id: "sampling", class: "banner", role: "note" }, h("b", null, "Sampled: "), bdi(doc.sampling.note)));
    }
    app.appendChild(renderToolbar());
    app.appendChild(renderTimelinePanel());
    var main = h("div", { class: "main" }, renderStepsPanel(), renderDetailPanel());
    app.appendChild(main);
    app.appendChild(h("footer", { class: "foot muted" }, "replaykit report \u00b7 keys: \u2190 \u2192 step, PgUp/PgDn \u00b110, Home/End"));
    wire();
    renderTimeline();
    applyFilter();
    var hs = hashStep();
    var first = pendingSelect !== null ? pendingSelect : hs !== null ? hs : 0;
    select(first, hs !== null || pendingSelect !== null ? "hash" : "init");
  }

  function showError(err) {
    var app = document.getElementById("app");
    if (!app) return;
    clear(app);
    app.appendChild(h("div", { id: "error", class: "load-error", role: "alert" },
      h("h1", null, "This report could not be opened"),
      h("p", null, clean(err && err.message ? err.message : String(err)))));
    document.documentElement.setAttribute("data-error", "true");
  }

  function need() {
    if (!loaded) throw new Error("replaykit: the report is not loaded yet (await replaykit.ready)");
  }

  function mark(name) {
    try { performance.mark("replaykit:" + name); } catch (e) { /* no user timing */ }
  }
  mark("start");
  var ready = decode().then(function (d) {
    mark("decoded");
    load(d);
    mark("keyframes");
    render();
    mark("rendered");
    document.documentElement.dataset.ready = "true";
    afterReady.forEach(function (f) { f(); });
  }).catch(function (err) {
    loaded = false;
    try { showError(err); } catch (e) { /* ignore */ }
    throw err;
  });
  ready.catch(function () { /* reported in the page; callers see the rejection */ });

  window.replaykit = Object.freeze({
    ready: ready,
    stepCount: function () { need(); return N; },
    stateAt: function (n) {
      need();
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > N) {
        throw new RangeError("step " + String(n) + " is outside 0.." + N);
      }
      return computeState(n);
    },
    verdict: function () { need(); return clone(doc.verdict); },
    document: function () { need(); return doc; },
    select: function (n) { select(n); return current; },
    selected: function () { return current; }
  });
})();

/* china-russia-diplomacy site: copy buttons, the evidence viewer's panel and the offline search.
   No framework, no network: everything it loads is a <script src> of the site itself, so it works from
   file:// as from a host. */
(function () {
  "use strict";
  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var text = source ? source.textContent : "";
      function done(ok) { button.textContent = ok ? "Copied" : "Select the text and copy it"; }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
      } else {
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        done(ok);
      }
    });
  });
})();

/* The evidence viewer: arriving at #span-K focuses its mark (screen readers announce it); a click on
   marked words lists every span covering them (the mark clicked and the marks around it), each with
   the rows citing it, copied from the list below the article. */
function crdEvidence() {
  "use strict";
  var text = document.getElementById("article-text");
  var panel = document.getElementById("ev-panel");
  function focusTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var el = id ? document.getElementById(id) : null;
    if (el && el.tagName === "MARK") { el.focus({ preventScroll: true }); }
  }
  window.addEventListener("hashchange", focusTarget);
  focusTarget();
  text.addEventListener("click", function (event) {
    var mark = event.target.closest ? event.target.closest("mark.ev") : null;
    if (!mark) { return; }
    var keys = [];
    for (var m = mark; m && m !== text; m = m.parentElement) {
      if (m.tagName === "MARK" && keys.indexOf(m.getAttribute("data-key")) === -1) { keys.push(m.getAttribute("data-key")); }
    }
    panel.textContent = "";
    var head = document.createElement("p");
    head.textContent = keys.length === 1 ? "These words are one cited span:" : "These words are in " + keys.length + " cited spans:";
    panel.appendChild(head);
    keys.forEach(function (key) {
      var item = document.getElementById("ev-" + key);
      if (item) {
        var copy = item.cloneNode(true);
        copy.removeAttribute("id");
        var box = document.createElement("div");
        box.className = "panel-span";
        while (copy.firstChild) { box.appendChild(copy.firstChild); }
        panel.appendChild(box);
      }
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.addEventListener("click", function () { panel.hidden = true; });
    panel.appendChild(close);
    panel.hidden = false;
  });
}

/* The search: see build/generate/site/search.py for the index's layout. */
var CRD_BLOCKS = {};
function crdSearchDocs(block, docs) { (CRD_BLOCKS[block] = CRD_BLOCKS[block] || {}).docs = docs; }
function crdSearchTerms(block, key, terms) { (CRD_BLOCKS[block] = CRD_BLOCKS[block] || {})[key] = terms; }

function crdTerms(text) {
  "use strict";
  var norm = text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
  return norm.match(/[\p{L}\p{N}_]+(?:[-.][\p{L}\p{N}_]+)*/gu) || [];
}

function crdKey(term) {
  "use strict";
  var c = term.charAt(0);
  return /^[a-z0-9]$/.test(c) ? c : "u" + term.codePointAt(0).toString(16);
}

function crdSearch() {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("search-status");
  var manifest = window.CRD_SEARCH_MANIFEST || { documents: 0, keys: [] };
  var LIMIT = 100;
  var loaded = {};
  var run = 0;

  function load(src) {
    if (loaded[src]) { return loaded[src]; }
    loaded[src] = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(s);
    });
    return loaded[src];
  }

  function matches(block, word) {
    var terms = CRD_BLOCKS[block][crdKey(word)] || {};
    var found = {};
    Object.keys(terms).forEach(function (term) {
      if (term.lastIndexOf(word, 0) === 0) { terms[term].forEach(function (d) { found[d] = true; }); }
    });
    return found;
  }

  function show(block, doc) {
    var entry = CRD_BLOCKS[block].docs[doc];
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = entry[3];
    link.textContent = entry[0] + " " + entry[1];
    item.appendChild(link);
    item.appendChild(document.createTextNode(": " + entry[2]));
    list.appendChild(item);
  }

  function search(query) {
    var mine = ++run;
    var words = crdTerms(query).filter(function (w, i, all) { return all.indexOf(w) === i; });
    list.textContent = "";
    if (!words.length) { status.textContent = manifest.documents + " records and articles searchable."; return; }
    status.textContent = "Searching…";
    var found = 0, block = 0;
    function next() {
      if (mine !== run) { return; }
      if (block >= manifest.keys.length || found >= LIMIT) {
        status.textContent = (found === 0 ? "Nothing found for " : found + (found >= LIMIT ? "+" : "") + " found for ") +
          words.join(" ") + (found >= LIMIT ? " (the first " + LIMIT + " shown; add a word to narrow)." : ".");
        return;
      }
      var b = block++;
      var keys = manifest.keys[b];
      var need = words.map(crdKey);
      if (need.some(function (k) { return keys.indexOf(k) === -1; })) { next(); return; }
      var files = ["search/" + b + "/docs.js"].concat(need.filter(function (k, i) { return need.indexOf(k) === i; })
        .map(function (k) { return "search/" + b + "/" + k + ".js"; }));
      Promise.all(files.map(load)).then(function () {
        if (mine !== run) { return; }
        var sets = words.map(function (w) { return matches(b, w); });
        var docs = Object.keys(sets[0]).map(Number).sort(function (x, y) { return x - y; });
        docs.forEach(function (d) {
          if (found < LIMIT && sets.every(function (s) { return s[d]; })) { found++; show(b, d); }
        });
        next();
      }, function (error) { status.textContent = "The search index is incomplete: " + error.message; });
    }
    next();
  }

  var form = document.getElementById("search-form");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    try { window.history.replaceState(null, "", url.toString()); } catch (e) { /* file:// in some browsers */ }
    search(input.value);
  });
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, 150);
  });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; }
  search(input.value);
}

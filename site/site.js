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
var CRD_INDEX = { keys: {}, terms: {}, docs: {} };
function crdSearchKeys(block, keys) { CRD_INDEX.keys[block] = keys; }
function crdSearchTerms(block, key, terms) { CRD_INDEX.terms[block + "/" + key] = terms; }
function crdSearchDocs(number, docs) { CRD_INDEX.docs[number] = docs; }

function crdTerms(text) {
  "use strict";
  var norm = text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
  return norm.match(/[\p{L}\p{N}_]+(?:[-.][\p{L}\p{N}_]+)*/gu) || [];
}

function crdKey(term) {
  "use strict";
  return Array.from(term).slice(0, 2).map(function (c) {
    return /^[a-z0-9]$/.test(c) ? c : "_" + c.codePointAt(0).toString(16);
  }).join("");
}

function crdSearch() {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("search-status");
  var manifest = window.CRD_SEARCH_MANIFEST || { documents: 0, blocks: 0, docs_block: 1, postings_block: 1 };
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

  /* the keys a word's terms can live under: its own, or for a one-letter word every key it starts */
  function keysOf(block, word) {
    var key = crdKey(word);
    var have = CRD_INDEX.keys[block] || [];
    if (Array.from(word).length >= 2) { return have.indexOf(key) === -1 ? [] : [key]; }
    return have.filter(function (k) { return k.lastIndexOf(key, 0) === 0; });
  }

  function matches(block, word) {
    var found = {};
    keysOf(block, word).forEach(function (key) {
      var terms = CRD_INDEX.terms[block + "/" + key] || {};
      Object.keys(terms).forEach(function (term) {
        if (term.lastIndexOf(word, 0) === 0) { terms[term].forEach(function (d) { found[d] = true; }); }
      });
    });
    return found;
  }

  function show(doc) {
    var entry = CRD_INDEX.docs[Math.floor(doc / manifest.docs_block)][doc % manifest.docs_block];
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
    function done(message) { if (mine === run) { status.textContent = message; } }
    function next() {
      if (mine !== run) { return; }
      if (block >= manifest.blocks || found >= LIMIT) {
        done((found === 0 ? "Nothing found for " : found + (found >= LIMIT ? "+" : "") + " found for ") +
          words.join(" ") + (found >= LIMIT ? " (the first " + LIMIT + " shown; add a word to narrow)." : "."));
        return;
      }
      var b = block++;
      load("search/p" + b + "/keys.js").then(function () {
        var need = [];
        for (var i = 0; i < words.length; i++) {
          var keys = keysOf(b, words[i]);
          if (!keys.length) { return []; }  // a word found nowhere in this block: no match here
          keys.forEach(function (k) { if (need.indexOf(k) === -1) { need.push(k); } });
        }
        return Promise.all(need.map(function (k) { return load("search/p" + b + "/" + k + ".js"); })).then(function () {
          var sets = words.map(function (w) { return matches(b, w); });
          return Object.keys(sets[0]).map(Number).filter(function (d) { return sets.every(function (s) { return s[d]; }); })
            .sort(function (x, y) { return x - y; }).slice(0, LIMIT - found)
            .map(function (d) { return b * manifest.postings_block + d; });
        });
      }).then(function (docs) {
        var files = [];
        docs.forEach(function (d) {
          var f = "search/d" + Math.floor(d / manifest.docs_block) + ".js";
          if (files.indexOf(f) === -1) { files.push(f); }
        });
        return Promise.all(files.map(load)).then(function () { return docs; });
      }).then(function (docs) {
        if (mine !== run) { return; }
        docs.forEach(function (d) { found++; show(d); });
        next();
      }, function (error) { done("The search index is incomplete: " + error.message); });
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

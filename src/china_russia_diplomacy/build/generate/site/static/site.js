/* china-russia-diplomacy site: copy buttons and the offline search. No framework, no network. */
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

function crdSearch() {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("search-status");
  var index = window.CRD_SEARCH || [];
  var LIMIT = 100;
  function run() {
    var query = input.value.trim().toLowerCase();
    list.textContent = "";
    if (!query) { status.textContent = index.length + " records searchable."; return; }
    var found = 0;
    for (var i = 0; i < index.length; i++) {
      var entry = index[i];
      if (entry[2].toLowerCase().indexOf(query) === -1) { continue; }
      found++;
      if (found > LIMIT) { continue; }
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = entry[3];
      link.textContent = entry[0] + " " + entry[1];
      item.appendChild(link);
      item.appendChild(document.createTextNode(": " + entry[2]));
      list.appendChild(item);
    }
    status.textContent = found + " found" + (found > LIMIT ? " (the first " + LIMIT + " shown)" : "") + ".";
  }
  input.addEventListener("input", run);
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; }
  run();
}

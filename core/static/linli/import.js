// Admin import: sends the mapping, shows a progress bar while the server checks or writes
// every row, then shows the result the server renders (the counts and every refused row).
(function () {
  var form = document.getElementById("import-run");
  if (!form) return;
  var bar = document.getElementById("import-progress");
  var out = document.getElementById("import-result");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter) data.set("dry_run", event.submitter.value);
    bar.classList.remove("d-none");
    out.innerHTML = "";
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "text/html", "X-Linli-Fragment": "1" }
    })
      .then(function (r) { return r.text(); })
      .then(function (html) { out.innerHTML = html; })  // rendered and escaped by the server
      .finally(function () {
        bar.classList.add("d-none");
        buttons.forEach(function (b) { b.disabled = false; });
      });
  });
})();

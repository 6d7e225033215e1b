// Admin import: sends the mapping, shows a progress bar while the server checks or writes
// every row, then lists the result or every bad row and column.
(function () {
  var form = document.getElementById("import-run");
  if (!form) return;
  var bar = document.getElementById("import-progress");
  var out = document.getElementById("import-result");
  function esc(s) { var d = document.createElement("div"); d.textContent = String(s); return d.innerHTML; }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter) data.set("dry_run", event.submitter.value);
    bar.classList.remove("d-none");
    out.innerHTML = "";
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return [r.ok, body]; }); })
      .then(function (pair) {
        var ok = pair[0], body = pair[1];
        var html = '<div class="alert ' + (ok ? "alert-success" : "alert-danger") + '">';
        html += esc(body.message || (body.dry_run ? form.dataset.dry : "")) ;
        if (ok) html += esc(JSON.stringify({ rows: body.rows, created: body.created }));
        html += "</div>";
        if (body.error_file) {
          html += '<p><a class="btn btn-outline-danger btn-sm" id="import-error-file" href="' + esc(body.error_file) + '">' + esc(form.dataset.errorFile || "") + "</a></p>";
        }
        if (Array.isArray(body.errors)) {
          html += '<table class="table table-sm" id="import-errors"><tbody>';
          body.errors.forEach(function (e) {
            html += "<tr><td>" + esc(e.row) + "</td><td>" + esc(e.column) + "</td><td>" + esc(e.message) + "</td></tr>";
          });
          html += "</tbody></table>";
        } else if (body.errors) {
          html += "<ul>";
          Object.keys(body.errors).forEach(function (k) { html += "<li>" + esc(k) + ": " + esc(body.errors[k]) + "</li>"; });
          html += "</ul>";
        }
        out.innerHTML = html;
      })
      .finally(function () {
        bar.classList.add("d-none");
        buttons.forEach(function (b) { b.disabled = false; });
      });
  });
})();

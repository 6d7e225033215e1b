// Page behaviour declared with data- attributes (页面行为). The Content-Security-Policy allows
// no inline handlers, so templates write data-* and this file binds them (core/security.py).
//   data-confirm="message"   on a submit button: asks before the form is sent
//   data-action="name"       Flask-Admin's "with selected" menu: runs that list action
//   data-add-inline="id"     Flask-Admin's inline forms: adds one more row
//   data-autosubmit          on a select: sends its form when the choice changes
//   data-print               on a button: prints the page
//   data-no-submit           on a form: never sent (a preview)
//   data-toggle-sidebar      on a button: shows or hides the admin sidebar
(function () {
  "use strict";

  // capture phase: Bootstrap's dropdowns stop the click before it bubbles to the document,
  // and a followed javascript: link is a policy violation
  document.addEventListener("click", function (event) {
    var el = event.target.closest
      ? event.target.closest("[data-confirm], [data-action], [data-add-inline], [data-print], a[href^='javascript:']")
      : null;
    if (!el) return;
    if (el.hasAttribute("data-confirm")) {
      if (!window.confirm(el.getAttribute("data-confirm"))) event.preventDefault();
      return;
    }
    event.preventDefault();
    if (el.hasAttribute("data-action") && window.modelActions) {
      window.modelActions.execute(el.getAttribute("data-action"));
    } else if (el.hasAttribute("data-add-inline") && window.faForm) {
      window.faForm.addInlineField(el, el.getAttribute("data-add-inline"));
    } else if (el.hasAttribute("data-print")) {
      window.print();
    }
  }, true);

  // data-toggle-sidebar: shows or hides the admin's sidebar, remembered in this browser;
  // on a narrow screen (admin.css) it starts hidden on every page and is not remembered
  var toggle = document.querySelector("[data-toggle-sidebar]");
  if (toggle) {
    var narrow = window.matchMedia && window.matchMedia("(max-width: 767.98px)").matches;
    var hidden = narrow;
    try { hidden = narrow || window.localStorage.getItem("linli-sidebar") === "hidden"; } catch (e) {}
    var apply = function () {
      document.body.classList.toggle("linli-sidebar-hidden", hidden);
      toggle.setAttribute("aria-expanded", hidden ? "false" : "true");
    };
    apply();
    toggle.addEventListener("click", function () {
      hidden = !hidden;
      if (!narrow) {
        try { window.localStorage.setItem("linli-sidebar", hidden ? "hidden" : "shown"); } catch (e) {}
      }
      apply();
    });
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
  });

  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-no-submit")) {
      event.preventDefault();
    }
  });
})();

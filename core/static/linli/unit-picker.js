// The territory selector (辖区树选择器): replaces a territory unit's <select> in admin forms
// (select[data-unit-picker]) and the input of the list filter "in this unit and below"
// (filters of type "linli-unit") with the chosen unit's path, a tree that opens level by
// level (区 › 街道 › 社区 › 网格 › 小区 › 楼栋, children loaded when opened) and a search by
// name. The value sent stays the unit's id, written into the original field; without
// JavaScript the field works as it is. Keyboard: Enter or Space opens and chooses, arrows
// move in the tree (right opens, left closes), Escape closes. No inline script: the words
// and addresses come from the JSON block #unit-picker-data (core/templates/admin/
// linli_unit_picker.html); the JSON is answered by core/tree_admin.py.
(function () {
  "use strict";

  var dataEl = document.getElementById("unit-picker-data");
  if (!dataEl || !window.fetch) return;
  var cfg = JSON.parse(dataEl.textContent);
  var L = cfg.labels;
  var counter = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function getJSON(url, params) {
    var query = new URLSearchParams();
    Object.keys(params).forEach(function (k) {
      if (params[k] !== undefined && params[k] !== null && params[k] !== "") query.set(k, params[k]);
    });
    return fetch(url + "?" + query.toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    });
  }

  function Picker(field, options) {
    var self = this;
    this.field = field;
    this.view = options.view || "";
    this.action = options.action || "read";
    this.id = "unit-picker-" + (++counter);

    this.root = el("div", "linli-unit-picker");
    this.display = el("button", "form-control text-left linli-unit-display");
    this.display.type = "button";
    this.display.id = this.id + "-display";
    this.display.setAttribute("aria-haspopup", "tree");
    this.display.setAttribute("aria-expanded", "false");
    this.display.setAttribute("aria-controls", this.id + "-panel");
    this.panel = el("div", "linli-unit-panel border rounded bg-white shadow-sm p-2");
    this.panel.id = this.id + "-panel";
    this.panel.hidden = true;
    this.search = el("input", "form-control form-control-sm mb-2 linli-unit-search");
    this.search.type = "search";
    this.search.placeholder = L.search;
    this.search.setAttribute("aria-label", L.search);
    this.results = el("ul", "list-unstyled mb-0 linli-unit-results");
    this.results.setAttribute("role", "listbox");
    this.results.setAttribute("aria-label", L.search);
    this.results.hidden = true;
    this.status = el("div", "small text-muted linli-unit-status");
    this.status.setAttribute("role", "status");
    this.tree = el("ul", "list-unstyled mb-0 linli-unit-tree");
    this.tree.setAttribute("role", "tree");
    this.tree.setAttribute("aria-label", L.tree);
    this.panel.appendChild(this.search);
    this.panel.appendChild(this.status);
    this.panel.appendChild(this.results);
    this.panel.appendChild(this.tree);
    this.root.appendChild(this.display);
    this.root.appendChild(this.panel);
    field.parentNode.insertBefore(this.root, field.nextSibling);
    field.classList.add("d-none");
    field.setAttribute("data-unit-picker-ready", "1");
    field.setAttribute("tabindex", "-1");
    if (field.id) {
      var label = document.querySelector("label[for='" + field.id + "']");
      if (label) label.setAttribute("for", this.display.id);
    }
    if (field.classList.contains("is-invalid")) this.display.classList.add("is-invalid");

    this.setText(options.path || "");
    if (!options.path && field.value && field.value !== "__None") {
      getJSON(cfg.unit, { id: field.value, view: this.view, action: this.action })
        .then(function (data) { self.setText(data.unit.path); })
        .catch(function () { self.setText(""); });
    }

    this.display.addEventListener("click", function () { self.toggle(); });
    this.display.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); self.open(); }
    });
    this.panel.addEventListener("keydown", function (event) { self.onKey(event); });
    var timer = null;
    this.search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { self.find(self.search.value.trim()); }, 250);
    });
    this.search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();  // never sends the form
    });
    document.addEventListener("click", function (event) {
      if (!self.panel.hidden && !self.root.contains(event.target)) self.close(false);
    });
  }

  Picker.prototype.setText = function (path) {
    this.display.textContent = path || L.none;
    this.display.title = path || "";
  };

  Picker.prototype.toggle = function () {
    if (this.panel.hidden) this.open(); else this.close(true);
  };

  Picker.prototype.open = function () {
    this.panel.hidden = false;
    this.display.setAttribute("aria-expanded", "true");
    if (!this.loaded) {
      this.loaded = true;
      this.load(null, this.tree, 1);
    }
    this.search.focus();
  };

  Picker.prototype.close = function (focus) {
    this.panel.hidden = true;
    this.display.setAttribute("aria-expanded", "false");
    if (focus) this.display.focus();
  };

  Picker.prototype.load = function (parentId, list, level) {
    var self = this;
    this.status.textContent = L.loading;
    return getJSON(cfg.children, { parent: parentId, view: this.view, action: this.action })
      .then(function (data) {
        self.status.textContent = data.units.length ? "" : L.nothing;
        data.units.forEach(function (unit) { list.appendChild(self.item(unit, level)); });
      })
      .catch(function () { self.status.textContent = L.failed; });
  };

  Picker.prototype.item = function (unit, level) {
    var self = this;
    var li = el("li", "linli-unit-item");
    li.setAttribute("role", "treeitem");
    li.setAttribute("aria-level", String(level));
    li.setAttribute("tabindex", "-1");
    li.setAttribute("data-id", String(unit.id));
    li.setAttribute("aria-label", unit.name + "（" + unit.level_label + "）");
    li.unit = unit;
    var row = el("div", "linli-unit-row d-flex align-items-center");
    var toggle = el("span", "linli-unit-toggle text-muted", unit.has_children ? "▸" : "");
    toggle.setAttribute("aria-hidden", "true");
    var name = el("span", "linli-unit-name", unit.name);
    var badge = el("small", "badge badge-light ml-1 linli-unit-level", unit.level_label);
    row.appendChild(toggle);
    row.appendChild(name);
    row.appendChild(badge);
    li.appendChild(row);
    if (unit.has_children) li.setAttribute("aria-expanded", "false");
    if (String(unit.id) === String(this.field.value)) li.setAttribute("aria-selected", "true");
    toggle.addEventListener("click", function (event) {
      event.stopPropagation();
      self.expand(li, li.getAttribute("aria-expanded") !== "true");
    });
    row.addEventListener("click", function (event) {
      event.stopPropagation();
      self.choose(unit);
    });
    return li;
  };

  Picker.prototype.expand = function (li, open) {
    if (!li.unit.has_children) return Promise.resolve();
    li.setAttribute("aria-expanded", open ? "true" : "false");
    li.querySelector(".linli-unit-toggle").textContent = open ? "▾" : "▸";
    var group = li.querySelector(":scope > ul");
    if (!open) {
      if (group) group.hidden = true;
      return Promise.resolve();
    }
    if (group) {
      group.hidden = false;
      return Promise.resolve();
    }
    group = el("ul", "list-unstyled mb-0 pl-3");
    group.setAttribute("role", "group");
    li.appendChild(group);
    return this.load(li.unit.id, group, Number(li.getAttribute("aria-level")) + 1);
  };

  Picker.prototype.find = function (term) {
    var self = this;
    this.results.textContent = "";
    if (!term) {
      this.results.hidden = true;
      this.tree.hidden = false;
      this.status.textContent = "";
      return;
    }
    this.tree.hidden = true;
    this.results.hidden = false;
    this.status.textContent = L.loading;
    getJSON(cfg.children, { q: term, view: this.view, action: this.action })
      .then(function (data) {
        if (self.search.value.trim() !== term) return;  // a later search is under way
        self.status.textContent = data.units.length ? "" : L.nothing;
        data.units.forEach(function (unit) {
          var li = el("li", "linli-unit-result");
          li.setAttribute("role", "option");
          li.setAttribute("tabindex", "-1");
          li.setAttribute("data-id", String(unit.id));
          li.setAttribute("aria-label", unit.path + "（" + unit.level_label + "）");
          li.unit = unit;
          li.appendChild(el("span", "linli-unit-name", unit.path));
          li.appendChild(el("small", "badge badge-light ml-1", unit.level_label));
          li.addEventListener("click", function () { self.choose(unit); });
          self.results.appendChild(li);
        });
      })
      .catch(function () { self.status.textContent = L.failed; });
  };

  Picker.prototype.choose = function (unit) {
    var field = this.field;
    var value = String(unit.id);
    if (field.tagName === "SELECT") {
      var found = Array.prototype.some.call(field.options, function (o) { return o.value === value; });
      if (!found) {
        var option = el("option", "", unit.path);
        option.value = value;
        field.appendChild(option);
      }
    }
    field.value = value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
    field.dispatchEvent(new Event("input", { bubbles: true }));
    this.setText(unit.path);
    this.root.querySelectorAll("[aria-selected]").forEach(function (n) { n.removeAttribute("aria-selected"); });
    this.root.querySelectorAll("[data-id='" + value + "']").forEach(function (n) {
      n.setAttribute("aria-selected", "true");
    });
    this.close(true);
  };

  // the tree items and search results that can be reached now, in order
  Picker.prototype.visible = function () {
    var selector = this.results.hidden ? "[role=treeitem]" : "[role=option]";
    return Array.prototype.filter.call(this.panel.querySelectorAll(selector), function (n) {
      return n.offsetParent !== null;
    });
  };

  Picker.prototype.onKey = function (event) {
    var items = this.visible();
    var current = document.activeElement;
    var index = items.indexOf(current);
    var key = event.key;
    if (key === "Escape") {
      event.preventDefault();
      this.close(true);
    } else if (key === "ArrowDown") {
      event.preventDefault();
      if (items.length) items[Math.min(index + 1, items.length - 1)].focus();
    } else if (key === "ArrowUp") {
      event.preventDefault();
      if (index > 0) items[index - 1].focus(); else this.search.focus();
    } else if (index < 0) {
      return;
    } else if (key === "Enter" || key === " ") {
      event.preventDefault();
      this.choose(current.unit);
    } else if (key === "ArrowRight" && current.getAttribute("role") === "treeitem") {
      event.preventDefault();
      if (current.getAttribute("aria-expanded") === "false") {
        this.expand(current, true);
      } else {
        var child = current.querySelector("[role=treeitem]");
        if (child) child.focus();
      }
    } else if (key === "ArrowLeft" && current.getAttribute("role") === "treeitem") {
      event.preventDefault();
      if (current.getAttribute("aria-expanded") === "true") {
        this.expand(current, false);
      } else {
        var parent = current.parentNode.closest("[role=treeitem]");
        if (parent) parent.focus();
      }
    }
  };

  // the list filters of type "linli-unit" (their inputs are named flt<n>_<arg>); the JSON
  // block comes after this script, so it is read when the first filter input appears
  var filterArgs = null;
  function unitFilterArgs() {
    if (filterArgs) return filterArgs;
    var groups = document.getElementById("filter-groups-data");
    if (!groups) return {};
    filterArgs = {};
    try {
      var parsed = JSON.parse(groups.textContent);
      Object.keys(parsed).forEach(function (name) {
        parsed[name].forEach(function (f) { if (f.type === "linli-unit") filterArgs[f.arg] = true; });
      });
    } catch (e) { /* no filters then */ }
    return filterArgs;
  }

  function enhance(node) {
    if (!node || node.nodeType !== 1 || node.hasAttribute("data-unit-picker-ready")) return;
    if (node.matches("select[data-unit-picker]")) {
      if (node.closest(".inline-field-template, [id$='-template']")) return;
      new Picker(node, {
        view: node.getAttribute("data-unit-view"),
        action: node.getAttribute("data-unit-picker"),
        path: node.getAttribute("data-unit-path")
      });
    } else if (node.matches("input.filter-val")) {
      var match = /^flt\d+_(.+)$/.exec(node.name || "");
      if (match && unitFilterArgs()[match[1]]) new Picker(node, { view: cfg.view, action: "read" });
    }
  }

  function scan(root) {
    if (root.nodeType !== 1) return;
    enhance(root);
    root.querySelectorAll("select[data-unit-picker], input.filter-val").forEach(enhance);
  }

  new MutationObserver(function (records) {
    records.forEach(function (r) { r.addedNodes.forEach(scan); });
  }).observe(document.documentElement, { childList: true, subtree: true });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document.body); });
  } else {
    scan(document.body);
  }
})();

/* Accessible commune autocomplete: the ARIA 1.2 combobox pattern, for the header search
 * and for every form field that picks a commune (territories.forms.CommuneWidget).
 * - The header search (form[data-autocomplete-url]) opens the commune chosen; without
 *   JavaScript the form still submits to the search page.
 * - A commune field ([data-commune-field]) writes the chosen commune's name and department
 *   in its text input and its INSEE code in the hidden input [data-commune-code]; without
 *   JavaScript the text alone is sent, and the server resolves it (or asks which commune). */
(function () {
  "use strict";

  function init(box, choose) {
    var input = box.querySelector('input[type="search"], input[type="text"]');
    var listbox = box.querySelector('[role="listbox"]');
    var status = box.querySelector('[role="status"]');
    var url = box.getAttribute("data-autocomplete-url");
    var timer = null;
    var controller = null;
    var results = [];
    var active = -1;
    var lastQuery = "";

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    // Messages come translated from the template.
    function text(key, value) {
      if (key === "count") key = value > 1 ? "many" : "one";
      return (box.getAttribute("data-msg-" + key) || "").replace("%s", value);
    }

    function close() {
      listbox.hidden = true;
      listbox.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function select(index) {
      var options = listbox.querySelectorAll('[role="option"]');
      if (!options.length) return;
      if (index < 0) index = options.length - 1;
      if (index >= options.length) index = 0;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    function go(index) {
      if (!results[index]) return;
      choose(results[index], input, box);
      close();
    }

    // Why a commune appears for a code typed: the postal or INSEE code that matched.
    function reason(item, query) {
      if (!/^\d/.test(query)) return item.postal_codes.length ? " · " + item.postal_codes.slice(0, 3).join(", ") : "";
      var upper = query.toUpperCase();
      var postal = item.postal_codes.filter(function (code) { return code.indexOf(upper) === 0; });
      if (postal.length) return " · " + text("postal", postal.slice(0, 3).join(", "));
      if (item.code.indexOf(upper) === 0) return " · " + text("insee", item.code);
      return item.postal_codes.length ? " · " + item.postal_codes.slice(0, 3).join(", ") : "";
    }

    function render(items, query) {
      results = items;
      listbox.innerHTML = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!items.length) {
        close();
        status.textContent = text("none");
        return;
      }
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = listbox.id + "-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.textContent = item.name + " ";
        var detail = document.createElement("span");
        detail.className = "muted";
        detail.textContent = "(" + item.department.code + " · " + item.department.name + ")" + reason(item, query);
        li.appendChild(name);
        li.appendChild(detail);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { go(i); });
        listbox.appendChild(li);
      });
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = text("count", items.length);
    }

    function fetchResults(query) {
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var address = url + "?limit=8&q=" + encodeURIComponent(query);
      fetch(address, { headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) { if (input.value.trim() === query) render(items, query); })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      var query = input.value.trim();
      box.dispatchEvent(new CustomEvent("commune:typed"));
      clearTimeout(timer);
      if (query.length < 2 && !/^\d/.test(query)) { close(); lastQuery = ""; return; }
      if (query === lastQuery) return;
      lastQuery = query;
      timer = setTimeout(function () { fetchResults(query); }, 150);
    });

    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) select(active + 1); else if (results.length) { render(results, lastQuery); select(0); }
      } else if (event.key === "ArrowUp") {
        if (open) { event.preventDefault(); select(active - 1); }
      } else if (event.key === "Enter") {
        if (open && active >= 0) { event.preventDefault(); go(active); }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); } else if (input.type === "search") { input.value = ""; }
      } else if (event.key === "Home" || event.key === "End") {
        if (open && active >= 0) { active = -1; input.removeAttribute("aria-activedescendant"); }
      }
    });

    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function openCommune(item) {
    window.location.assign(item.url);
  }

  function fillField(item, input, box) {
    var code = box.querySelector("[data-commune-code]");
    input.value = item.name + " (" + item.department.code + " · " + item.department.name + ")";
    code.value = item.code;
    // A commune chosen here replaces any candidate offered by a previous submission.
    var form = input.form;
    var choices = form ? form.querySelectorAll('input[type="radio"][name="' + input.name + '_choice"]') : [];
    for (var i = 0; i < choices.length; i++) choices[i].checked = false;
    box.querySelector('[role="status"]').textContent = box.getAttribute("data-msg-chosen").replace("%s", input.value);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-autocomplete-url]");
    for (var i = 0; i < forms.length; i++) init(forms[i], openCommune);
    var fields = document.querySelectorAll("[data-commune-field]");
    for (var j = 0; j < fields.length; j++) {
      init(fields[j], fillField);
      // Text typed after a choice is no longer that commune: the server reads the text.
      fields[j].addEventListener("commune:typed", function (event) {
        event.currentTarget.querySelector("[data-commune-code]").value = "";
      });
    }
  });
})();

/* Accessible commune autocomplete: the ARIA 1.2 combobox pattern.
 * Without JavaScript the form still submits to the search page. */
(function () {
  "use strict";

  function init(form) {
    var input = form.querySelector('input[type="search"]');
    var listbox = form.querySelector('[role="listbox"]');
    var status = form.querySelector('[role="status"]');
    var url = form.getAttribute("data-autocomplete-url");
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
    function text(key, count) {
      if (key === "none") return form.getAttribute("data-msg-none");
      var message = form.getAttribute(count > 1 ? "data-msg-many" : "data-msg-one");
      return message.replace("%s", count);
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
      if (results[index]) window.location.assign(results[index].url);
    }

    function render(items) {
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
        li.id = "search-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.textContent = item.name + " ";
        var detail = document.createElement("span");
        detail.className = "muted";
        var postal = item.postal_codes.length ? " · " + item.postal_codes.slice(0, 3).join(", ") : "";
        detail.textContent = "(" + item.department.code + " · " + item.department.name + ")" + postal;
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
        .then(function (items) { if (input.value.trim() === query) render(items); })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      var query = input.value.trim();
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
        if (open) select(active + 1); else if (results.length) { render(results); select(0); }
      } else if (event.key === "ArrowUp") {
        if (open) { event.preventDefault(); select(active - 1); }
      } else if (event.key === "Enter") {
        if (open && active >= 0) { event.preventDefault(); go(active); }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); } else { input.value = ""; }
      } else if (event.key === "Home" || event.key === "End") {
        if (open && active >= 0) { active = -1; input.removeAttribute("aria-activedescendant"); }
      }
    });

    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-autocomplete-url]");
    for (var i = 0; i < forms.length; i++) init(forms[i]);
  });
})();

/* The layout on narrow screens.
 * - The header's navigation goes behind a "Menu" disclosure button; without JavaScript
 *   the button stays hidden and the menu is shown.
 * - A table.stack shows each row as a block on phones, each cell labelled with its
 *   column's header (data-label, read by the stylesheet); without JavaScript the table
 *   scrolls inside its .table-scroll container. */
(function () {
  "use strict";

  function labelCells(table) {
    var headers = table.querySelectorAll("thead th");
    var rows = table.querySelectorAll("tbody tr");
    for (var r = 0; r < rows.length; r++) {
      var cells = rows[r].children;
      for (var c = 0; c < cells.length && c < headers.length; c++) {
        if (!cells[c].hasAttribute("data-label")) cells[c].setAttribute("data-label", headers[c].textContent.trim());
      }
    }
    table.classList.add("stacked");
  }

  function collapseMenu() {
    var button = document.querySelector(".menu-button");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;

    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("collapsed", !open);
    }

    button.hidden = false;
    show(false);
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.offsetParent !== null) {
        show(false);
        button.focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    collapseMenu();
    var tables = document.querySelectorAll("table.stack");
    for (var i = 0; i < tables.length; i++) labelCells(tables[i]);
  });
})();

/* The signature page (campaigns/sign.html), progressively enhanced: without JavaScript
 * every item is ticked one by one and the page works the same.
 * - « Tout cocher » ticks every item of the bulletin, or unticks them all once all are
 *   ticked; its label says which, and a polite live region tells screen readers.
 * - Choosing an ambition level or writing a comment ticks its item: a level chosen for
 *   an item left unticked would be lost (the summary before signing shows it anyway). */
(function () {
  "use strict";

  function itemBoxes(form) {
    return Array.prototype.slice.call(form.querySelectorAll('input[type="checkbox"][name^="item_"]'));
  }

  function initCheckAll(form) {
    var bar = form.querySelector("[data-check-all]");
    var boxes = itemBoxes(form);
    if (!bar || !boxes.length) {
      return;
    }
    var button = bar.querySelector("button");
    var status = bar.querySelector("[aria-live]");

    function allChecked() {
      return boxes.every(function (box) { return box.checked; });
    }

    function refresh() {
      button.textContent = button.getAttribute(allChecked() ? "data-label-uncheck" : "data-label-check");
    }

    button.addEventListener("click", function () {
      var check = !allChecked();
      boxes.forEach(function (box) { box.checked = check; });
      refresh();
      status.textContent = status.getAttribute(check ? "data-label-checked" : "data-label-unchecked");
    });
    form.addEventListener("change", refresh);
    bar.hidden = false;
    refresh();
  }

  function tickItemOf(field, form) {
    var match = /^(?:level|comment)_(\d+)$/.exec(field.name || "");
    if (!match) {
      return;
    }
    if (field.type === "radio" && field.value === "") {
      return; // "no level chosen" says nothing about the item itself
    }
    if (field.tagName === "TEXTAREA" && !field.value.trim()) {
      return;
    }
    var box = form.querySelector('input[type="checkbox"][name="item_' + match[1] + '"]');
    if (box && !box.checked) {
      box.checked = true;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function init() {
    var form = document.querySelector("form.sign-form");
    if (!form) {
      return;
    }
    initCheckAll(form);
    form.addEventListener("change", function (event) { tickItemOf(event.target, form); });
    form.addEventListener("input", function (event) {
      if (event.target.tagName === "TEXTAREA") {
        tickItemOf(event.target, form);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

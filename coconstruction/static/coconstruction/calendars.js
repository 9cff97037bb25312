// The private calendar link's page: the new link's section takes the focus (it was just
// created and is shown once), and each address gets a "Copy" button.
(function () {
  "use strict";
  var section = document.getElementById("new-link");
  if (!section) {
    return;
  }
  section.focus();
  var copyLabel = section.getAttribute("data-copy-label");
  var copiedLabel = section.getAttribute("data-copied-label");
  section.querySelectorAll("input[data-copy]").forEach(function (input) {
    input.addEventListener("focus", function () {
      input.select();
    });
    if (!navigator.clipboard) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button-secondary";
    button.textContent = copyLabel;
    button.setAttribute("aria-describedby", input.id);
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    status.className = "muted";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        status.textContent = copiedLabel;
      });
    });
    input.insertAdjacentElement("afterend", status);
    input.insertAdjacentElement("afterend", button);
  });
})();

/* Meetings' times: the server writes them as people in Paris read them; when the viewer's
   timezone is another one, each <time data-localtime> is rewritten in it, in the page's
   language, with the zone's name ("full": day and time; "time": the time only). The
   instant is the element's datetime attribute (ISO, UTC). No inline script: CSP. */
(function () {
  "use strict";
  var PARIS = "Europe/Paris";

  function viewerZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
    } catch (error) {
      return null;
    }
  }

  function formats(zone) {
    var lang = document.documentElement.lang || "fr";
    try {
      return {
        full: new Intl.DateTimeFormat(lang, {
          weekday: "long", day: "numeric", month: "long", year: "numeric",
          hour: "2-digit", minute: "2-digit", timeZone: zone, timeZoneName: "short"
        }),
        time: new Intl.DateTimeFormat(lang, {hour: "2-digit", minute: "2-digit", timeZone: zone})
      };
    } catch (error) {
      return null;
    }
  }

  function rewrite() {
    var zone = viewerZone();
    if (!zone || zone === PARIS) {
      return;
    }
    var format = formats(zone);
    if (!format) {
      return;
    }
    var nodes = document.querySelectorAll("time[data-localtime]");
    Array.prototype.forEach.call(nodes, function (node) {
      if (node.hasAttribute("data-localtime-done")) {
        return;
      }
      var instant = new Date(node.getAttribute("datetime"));
      if (isNaN(instant.getTime())) {
        return;
      }
      var kind = node.getAttribute("data-localtime") === "time" ? "time" : "full";
      node.setAttribute("title", node.textContent + " (" + PARIS + ")");
      node.textContent = format[kind].format(instant);
      node.setAttribute("data-localtime-done", zone);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", rewrite);
  } else {
    rewrite();
  }
})();

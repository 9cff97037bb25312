/* The campaign map: department outlines (ours, no tile server needed) and one point
 * per commune of the campaign, coloured by its status (the colours of the legend's
 * swatches, core/css/site.css). Canvas rendering keeps thousands of points fast on
 * modest phones. */
(function () {
  "use strict";

  // Five hues apart (grey, orange, blue, green, red): the blue of "a list signed" stays
  // apart from the green of "committed" for red-green colour blindness too.
  var COLOURS = {
    not_interpellated: "#6b6b6b",
    interpellated: "#b35c00",
    list_signed: "#1f5fa8",
    committed: "#1b7a3a",
    refused: "#b3261e"
  };
  // Drawn in this order: committed communes last, on top of the others.
  var ORDER = { not_interpellated: 0, refused: 1, interpellated: 2, list_signed: 3, committed: 4 };

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    });
  }

  function popup(name, statusLabel, url, openLabel) {
    var box = document.createElement("div");
    var strong = document.createElement("strong");
    strong.textContent = name;
    box.appendChild(strong);
    var status = document.createElement("div");
    status.textContent = statusLabel;
    box.appendChild(status);
    var a = document.createElement("a");
    a.href = url;
    a.className = "map-link";
    a.textContent = openLabel;
    box.appendChild(a);
    return box;
  }

  // "1 commune shown", "2 communes shown": the page gives the language's two forms; the
  // browser knows which one a number takes in the page's language.
  function loadedLabel(d, count) {
    var lang = document.documentElement.lang || "fr";
    var form = "other";
    try { form = new Intl.PluralRules(lang).select(count); } catch (error) { form = count === 1 ? "one" : "other"; }
    var label = form === "one" ? d.labelLoadedOne : d.labelLoadedOther;
    return label.replace("%(count)s", count.toLocaleString(lang));
  }

  function init(element) {
    var d = element.dataset;
    var renderer = L.canvas({ padding: 0.3 });
    var map = L.map(element, { zoomSnap: 0.25, minZoom: 2, maxZoom: 13, renderer: renderer });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("INSEE, IGN");
    if (d.tileUrl) L.tileLayer(d.tileUrl, { attribution: d.tileAttribution || "" }).addTo(map);
    // Metropolitan France fills the map; overseas communes are a drag away.
    map.fitBounds([[41.3, -5.2], [51.1, 9.6]]);
    var status = document.createElement("p");
    status.className = "map-status";
    status.setAttribute("role", "status");
    element.parentNode.appendChild(status);

    // One request after the other: SQLite's in-memory test database (shared cache) refuses
    // concurrent readers, and the outlines are cached by the browser after the first page.
    getJSON(d.departmentsUrl).then(function (departments) {
      L.geoJSON(departments, {
        style: function () { return { color: "#6b5d52", weight: 1, fillColor: "#ffffff", fillOpacity: 0.5 }; },
        interactive: false
      }).addTo(map);
      return getJSON(d.pointsUrl);
    }).then(function (data) {
      var base = window.location.pathname.replace(/\/$/, "");
      var labels = (d.statusLabels || "").split("|");
      data.points.sort(function (a, b) {
        return ORDER[data.statuses[a[2]]] - ORDER[data.statuses[b[2]]];
      });
      data.points.forEach(function (point) {
        var key = data.statuses[point[2]];
        var label = labels[point[2]] || key;
        var marker = L.circleMarker([point[1], point[0]], {
          renderer: renderer, radius: 3, weight: 0.5, color: "#1d1d1b",
          fillColor: COLOURS[key] || "#333333", fillOpacity: 0.95
        }).addTo(map);
        marker.bindPopup(function () {
          return popup(point[4], label, base + "/communes/" + point[3] + "/", d.labelOpen);
        });
      });
      status.textContent = loadedLabel(d, data.points.length);
    }).catch(function () { status.textContent = ""; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("campaign-map");
    if (element && window.L) init(element);
  });
})();

/* Maps from our own outlines (Leaflet, no tile server needed).
 * National map: departments and regions; a department is zoomed into on
 * selection and its communes are loaded as points. Department and region
 * pages frame their own territory. */
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    });
  }

  // Leaflet inserts string tooltips as HTML: give it text nodes instead.
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function link(url, label) {
    var a = document.createElement("a");
    a.href = url;
    a.className = "map-link";
    a.textContent = label;
    return a;
  }

  function popup(title, url, label, extra) {
    var box = document.createElement("div");
    var strong = document.createElement("strong");
    strong.textContent = title;
    box.appendChild(strong);
    if (extra) {
      var p = document.createElement("div");
      p.textContent = extra;
      box.appendChild(p);
    }
    box.appendChild(document.createElement("br"));
    box.appendChild(link(url, label));
    return box;
  }

  function init(element) {
    var d = element.dataset;
    var map = L.map(element, { zoomSnap: 0.25, minZoom: 2, maxZoom: 13, preferCanvas: false, attributionControl: true });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("INSEE, IGN");
    if (d.tileUrl) {
      L.tileLayer(d.tileUrl, { attribution: d.tileAttribution || "" }).addTo(map);
    }
    map.setView([46.6, 2.4], 5);
    var status = document.createElement("p");
    status.className = "map-status";
    status.setAttribute("role", "status");
    element.parentNode.appendChild(status);

    var communeLayers = {};
    var communeGroup = L.layerGroup().addTo(map);
    var departmentLayer = null;
    var regionLayer = null;
    var format = new Intl.NumberFormat(document.documentElement.lang || "fr");

    function loadCommunes(feature) {
      var code = feature.properties.code;
      if (communeLayers[code]) return;
      status.textContent = d.labelLoading;
      communeLayers[code] = true;
      getJSON(feature.properties.communes_url).then(function (data) {
        var layer = L.geoJSON(data, {
          pointToLayer: function (point, latlng) {
            var population = point.properties.population || 0;
            return L.circleMarker(latlng, {
              radius: Math.max(3, Math.min(12, Math.sqrt(population) / 25)),
              color: "#6b1f07", weight: 1, fillColor: "#8a2c0d", fillOpacity: 0.6
            });
          },
          onEachFeature: function (point, marker) {
            var p = point.properties;
            var extra = p.population ? format.format(p.population) + " " + d.labelInhabitants : "";
            marker.bindPopup(popup(p.name, p.url, d.labelOpen, extra));
            marker.bindTooltip(text(p.name));
          }
        });
        communeLayers[code] = layer;
        communeGroup.addLayer(layer);
        status.textContent = d.labelLoaded
          .replace("%(count)s", data.features.length)
          .replace("%(name)s", feature.properties.name);
      }).catch(function () { communeLayers[code] = false; status.textContent = ""; });
    }

    function zoomTo(layer, feature) {
      map.fitBounds(layer.getBounds(), { padding: [10, 10] });
      loadCommunes(feature);
    }

    var requests = [getJSON(d.departmentsUrl)];
    if (d.regionsUrl) requests.push(getJSON(d.regionsUrl));
    Promise.all(requests).then(function (results) {
      var departments = results[0];
      var focusRegion = d.focusRegion;
      var focusDepartment = d.focusDepartment;
      var focused = null;
      departmentLayer = L.geoJSON(departments, {
        style: function (feature) {
          var inFocus = (focusDepartment && feature.properties.code === focusDepartment) ||
            (focusRegion && feature.properties.region === focusRegion);
          return { color: "#6b5d52", weight: inFocus ? 2 : 1, fillColor: inFocus ? "#f6e3d6" : "#ffffff", fillOpacity: inFocus ? 0.8 : 0.5 };
        },
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          layer.bindTooltip(text(p.code + " — " + p.name), { sticky: true });
          layer.on("click", function () {
            zoomTo(layer, feature);
            layer.bindPopup(popup(p.code + " — " + p.name, p.url, d.labelOpen)).openPopup();
          });
          if (focusDepartment && p.code === focusDepartment) focused = { layer: layer, feature: feature };
          if (focusRegion && p.region === focusRegion) {
            focused = focused || { bounds: L.latLngBounds([]) };
            if (focused.bounds) focused.bounds.extend(layer.getBounds());
          }
        }
      }).addTo(map);
      if (results[1]) {
        regionLayer = L.geoJSON(results[1], {
          interactive: false,
          style: function () { return { color: "#3b2f27", weight: 2, fill: false }; }
        }).addTo(map);
        L.control.layers(null, (function () {
          var overlays = {};
          overlays[d.labelDepartments] = departmentLayer;
          overlays[d.labelRegions] = regionLayer;
          overlays[d.labelCommunes] = communeGroup;
          return overlays;
        })(), { collapsed: false }).addTo(map);
      }
      if (focused && focused.layer) {
        zoomTo(focused.layer, focused.feature);
      } else if (focused && focused.bounds && focused.bounds.isValid()) {
        map.fitBounds(focused.bounds, { padding: [10, 10] });
      } else {
        map.fitBounds([[41.3, -5.2], [51.1, 9.6]]);
      }
    }).catch(function () { status.textContent = ""; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.L) return;
    var maps = document.querySelectorAll("#map[data-departments-url]");
    for (var i = 0; i < maps.length; i++) init(maps[i]);
  });
})();

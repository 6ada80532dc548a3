/* Dashboard map: one circle per site, its area proportional to the site's requests.
   The data is the table under the map (rows with data-lat/data-lon/data-radius), which stays
   the accessible version; without this script the page loses only the map. */
(function () {
  "use strict";

  function load(tag, attributes, onload) {
    var element = document.createElement(tag);
    Object.keys(attributes).forEach(function (key) { element[key] = attributes[key]; });
    if (onload) element.addEventListener("load", onload);
    document.head.appendChild(element);
  }

  function showMap() {
    var container = document.getElementById("dashboard-map");
    if (!container) return;
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr.map-site[data-lat]"));
    if (!rows.length) return;
    load("link", { rel: "stylesheet", href: container.dataset.leafletCss });
    load("script", { src: container.dataset.leafletJs }, function () {
      container.hidden = false;
      var L = window.L;
      var map = L.map(container, { zoomControl: false, scrollWheelZoom: false });
      L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
      map.attributionControl.setPrefix(false);
      L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {
        maxZoom: 19,
        attribution: "© contributeurs OpenStreetMap"
      }).addTo(map);
      var bounds = [];
      rows.forEach(function (row) {
        var latlng = [parseFloat(row.dataset.lat), parseFloat(row.dataset.lon)];
        L.circleMarker(latlng, {
          radius: parseFloat(row.dataset.radius),
          color: "#1d4f91",
          weight: 1.5,
          fillColor: "#1d4f91",
          fillOpacity: 0.35
        }).bindTooltip(row.dataset.label).addTo(map);
        bounds.push(latlng);
      });
      if (bounds.length === 1) map.setView(bounds[0], 12);
      else map.fitBounds(bounds, { padding: [30, 30], maxZoom: 12 });
    });
  }

  if (document.readyState === "complete") showMap();
  else window.addEventListener("load", showMap);
})();

/* Dashboard map: one circle per site, its area proportional to the site's requests.
   The data is the table under the map (rows with data-lat/data-lon/data-radius), which stays
   the accessible version; without this script the page loses only the map.
   maillon/map.js, loaded before this script, loads Leaflet and sets the map up.
   Leaflet reads a string tooltip as HTML: the site's name goes in as a text node. */
(function () {
  "use strict";

  if (!window.maillonMap) return;
  window.maillonMap.show("dashboard-map", "tr.map-site[data-lat]", {
    maxZoom: 12,
    padding: [30, 30],
    marker: function (L, latlng, row) {
      var label = document.createElement("span");
      label.textContent = row.dataset.label;
      return L.circleMarker(latlng, {
        radius: parseFloat(row.dataset.radius),
        color: "#1d4f91",
        weight: 1.5,
        fillColor: "#1d4f91",
        fillOpacity: 0.35
      }).bindTooltip(label);
    }
  });
})();

/* Dashboard map: one circle per site, its area proportional to the site's requests.
   The data is the table under the map (rows with data-lat/data-lon/data-radius), which stays
   the accessible version; without this script the page loses only the map.
   maillon/map.js, loaded before this script, loads Leaflet and sets the map up.
   Each circle is a focus stop (Tab) named by its site and figure; Enter, Space or a click opens
   a popup that stays until Escape, another circle or the close button (WCAG 1.4.13: no hover
   tooltip that vanishes). The label goes in as a text node (Leaflet reads strings as HTML). */
(function () {
  "use strict";

  if (!window.maillonMap) return;
  window.maillonMap.show("dashboard-map", "tr.map-site[data-lat]", {
    maxZoom: 12,
    padding: [30, 30],
    marker: function (L, latlng, row) {
      var label = document.createElement("span");
      label.textContent = row.dataset.label;
      var circle = L.circleMarker(latlng, {
        radius: parseFloat(row.dataset.radius),
        color: "#1d4f91",
        weight: 1.5,
        fillColor: "#1d4f91",
        fillOpacity: 0.35
      }).bindPopup(label);
      circle.on("add", function () {
        var path = circle.getElement();
        if (!path) return;
        path.setAttribute("tabindex", "0");
        path.setAttribute("role", "button");
        path.setAttribute("aria-label", row.dataset.label);
        path.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            circle.openPopup();
          }
        });
      });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && circle.isPopupOpen()) circle.closePopup();
      });
      return circle;
    }
  });
})();

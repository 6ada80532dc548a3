/* Back-office: a small map to adjust a site's coordinates. The latitude and longitude fields
   stay the accessible way to set them; dragging the marker (or clicking the map) fills them,
   and typing in them moves the marker. Without JavaScript or Leaflet nothing changes. */
(function () {
  "use strict";

  function init() {
    var box = document.getElementById("site-map");
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    if (!box || !lat || !lon || !window.L) return;
    var start = [parseFloat(lat.value) || 46.6, parseFloat(lon.value) || 2.4];
    box.hidden = false;
    var map = L.map(box, { scrollWheelZoom: false }).setView(start, lat.value ? 16 : 5);
    L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19,
      attribution: "© contributeurs OpenStreetMap",
    }).addTo(map);
    var marker = L.marker(start, { draggable: true, keyboard: false }).addTo(map);

    function fill(position) {
      lat.value = position.lat.toFixed(6);
      lon.value = position.lng.toFixed(6);
      lat.dispatchEvent(new Event("change", { bubbles: true }));
    }
    marker.on("dragend", function () { fill(marker.getLatLng()); });
    map.on("click", function (event) { marker.setLatLng(event.latlng); fill(event.latlng); });
    function follow() {
      var a = parseFloat(lat.value), b = parseFloat(lon.value);
      if (!isNaN(a) && !isNaN(b)) { marker.setLatLng([a, b]); map.panTo([a, b]); }
    }
    lat.addEventListener("input", follow);
    lon.addEventListener("input", follow);
  }

  document.addEventListener("DOMContentLoaded", init);
})();

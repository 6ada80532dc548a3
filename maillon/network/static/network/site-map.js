/* Back-office: a small map to adjust a site's coordinates. The latitude and longitude fields
   stay the accessible way to set them; dragging the marker (or clicking the map) fills them,
   and typing in them moves the marker. The marker is a focus stop: the arrow keys move it by
   10 screen pixels (50 with Shift) and fill the fields, like a drag. Without JavaScript or
   Leaflet nothing changes. French strings come from the template (data-marker-label). */
(function () {
  "use strict";

  var STEPS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };

  function init() {
    var box = document.getElementById("site-map");
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    if (!box || !lat || !lon || !window.L) return;
    var start = [parseFloat(lat.value) || 46.6, parseFloat(lon.value) || 2.4];
    box.hidden = false;
    var map = L.map(box, { scrollWheelZoom: false, zoomControl: false });
    map.setView(start, lat.value ? 16 : 5);
    L.control.zoom({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" }).addTo(map);
    map.attributionControl.setPrefix(false);
    L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19,
      attribution: "© contributeurs OpenStreetMap",
    }).addTo(map);
    var label = box.dataset.markerLabel || "";
    var marker = L.marker(start, {
      draggable: true, keyboard: true, title: label, alt: label
    }).addTo(map);

    function fill(position) {
      lat.value = position.lat.toFixed(6);
      lon.value = position.lng.toFixed(6);
      lat.dispatchEvent(new Event("change", { bubbles: true }));
    }
    marker.on("dragend", function () { fill(marker.getLatLng()); });
    map.on("click", function (event) { marker.setLatLng(event.latlng); fill(event.latlng); });
    marker.getElement().addEventListener("keydown", function (event) {
      var step = STEPS[event.key];
      if (!step) return;
      event.preventDefault();
      event.stopPropagation();  // the map would pan instead
      var size = event.shiftKey ? 50 : 10;
      var point = map.latLngToContainerPoint(marker.getLatLng());
      var moved = map.containerPointToLatLng(point.add([step[0] * size, step[1] * size]));
      marker.setLatLng(moved);
      map.panInside(moved, { padding: [20, 20] });
      fill(moved);
    });
    function follow() {
      var a = parseFloat(lat.value), b = parseFloat(lon.value);
      if (!isNaN(a) && !isNaN(b)) { marker.setLatLng([a, b]); map.panTo([a, b]); }
    }
    lat.addEventListener("input", follow);
    lon.addEventListener("input", follow);
  }

  document.addEventListener("DOMContentLoaded", init);
})();

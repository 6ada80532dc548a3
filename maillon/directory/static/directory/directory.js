/* Public directory: "near me" (browser geolocation, only when asked) and the map of results.
   Everything works without this script except these two; Leaflet is loaded only for the map. */
(function () {
  "use strict";

  function nearMe() {
    var button = document.getElementById("near-me");
    var status = document.getElementById("near-me-status");
    if (!button || !("geolocation" in navigator)) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "Recherche de votre position…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var form = button.form;
          form.querySelector("#id_lat").value = position.coords.latitude.toFixed(5);
          form.querySelector("#id_lon").value = position.coords.longitude.toFixed(5);
          form.querySelector("#id_q").value = "";
          status.textContent = "Position trouvée, recherche en cours…";
          form.submit();
        },
        function (error) {
          status.textContent = error.code === 1
            ? "Vous n'avez pas autorisé l'accès à votre position : saisissez une commune ou un code postal."
            : "Votre position n'a pas pu être déterminée : saisissez une commune ou un code postal.";
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
      );
    });
    var q = document.getElementById("id_q");
    if (q) q.addEventListener("input", function () {
      document.getElementById("id_lat").value = "";
      document.getElementById("id_lon").value = "";
    });
  }

  function load(tag, attributes, onload) {
    var element = document.createElement(tag);
    Object.keys(attributes).forEach(function (key) { element[key] = attributes[key]; });
    if (onload) element.addEventListener("load", onload);
    document.head.appendChild(element);
  }

  function showMap() {
    var container = document.getElementById("map");
    if (!container) return;
    var points = Array.prototype.slice.call(document.querySelectorAll("[data-lat][data-lon]"));
    if (!points.length) return;
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
      points.forEach(function (item) {
        var latlng = [parseFloat(item.dataset.lat), parseFloat(item.dataset.lon)];
        var marker = L.marker(latlng, { title: item.dataset.name, alt: item.dataset.name }).addTo(map);
        if (item.dataset.url) {
          var link = document.createElement("a");
          link.href = item.dataset.url;
          link.textContent = item.dataset.name;
          marker.bindPopup(link);
        }
        bounds.push(latlng);
      });
      if (bounds.length === 1) map.setView(bounds[0], 15);
      else map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
    });
  }

  nearMe();
  if (document.readyState === "complete") showMap();
  else window.addEventListener("load", showMap);
})();

/* Public directory: "near me" (browser geolocation, only when asked) and the map of results.
   Everything works without this script except these two; Leaflet is loaded only for the map
   (by maillon/map.js, loaded before this script). */
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

  function showMap() {
    if (!window.maillonMap) return;
    window.maillonMap.show("map", "[data-lat][data-lon]", {
      maxZoom: 15,
      padding: [20, 20],
      marker: function (L, latlng, item) {
        // A bus stop: a round marker, told apart from the sites' pins.
        var marker = item.dataset.stop
          ? L.circleMarker(latlng, { radius: 8, color: "#7a3e00", fillOpacity: 0.8 })
              .bindTooltip(item.dataset.name)
          : L.marker(latlng, { title: item.dataset.name, alt: item.dataset.name });
        if (item.dataset.url) {
          var link = document.createElement("a");
          link.href = item.dataset.url;
          link.textContent = item.dataset.name;
          marker.bindPopup(link);
        }
        return marker;
      }
    });
  }

  nearMe();
  showMap();
})();

/* The maps of the public directory and of the dashboards. Leaflet is loaded only once the page
   has loaded and only where there is something to show, from the URLs on the map's container
   (data-leaflet-js, data-leaflet-css); the map gets French zoom buttons
   (« Zoom avant », « Zoom arrière »), no scroll-wheel zoom
   and the OpenStreetMap tiles, then one marker per point, and is fitted to them.

   maillonMap.show("map", "li[data-lat][data-lon]", {
     maxZoom: 15,          // also the zoom of a single point
     padding: [20, 20],
     marker: function (L, latlng, element) { return L.marker(latlng); }
   });
   The points are elements with data-lat and data-lon; the page makes each one's marker. */
(function () {
  "use strict";

  function load(tag, attributes, onload) {
    var element = document.createElement(tag);
    Object.keys(attributes).forEach(function (key) { element[key] = attributes[key]; });
    if (onload) element.addEventListener("load", onload);
    document.head.appendChild(element);
  }

  function draw(container, points, options) {
    // the style sheet first: tiles laid out before it would widen the page (reflow at 320 px)
    load("link", { rel: "stylesheet", href: container.dataset.leafletCss }, function () {
      load("script", { src: container.dataset.leafletJs }, function () {
        build(container, points, options);
      });
    });
  }

  function build(container, points, options) {
    container.hidden = false;
    var L = window.L;
    var map = L.map(container, { zoomControl: false, scrollWheelZoom: false });
    L.control.zoom({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" }).addTo(map);
    map.attributionControl.setPrefix(false);
    L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19,
      attribution: "© contributeurs OpenStreetMap"
    }).addTo(map);
    var bounds = points.map(function (element) {
      var latlng = [parseFloat(element.dataset.lat), parseFloat(element.dataset.lon)];
      options.marker(L, latlng, element).addTo(map);
      return latlng;
    });
    if (bounds.length === 1) map.setView(bounds[0], options.maxZoom);
    else map.fitBounds(bounds, { padding: options.padding, maxZoom: options.maxZoom });
  }

  window.maillonMap = {
    show: function (containerId, pointSelector, options) {
      var container = document.getElementById(containerId);
      var points = Array.prototype.slice.call(document.querySelectorAll(pointSelector));
      if (!container || !points.length) return;
      if (document.readyState === "complete") draw(container, points, options);
      else window.addEventListener("load", function () { draw(container, points, options); });
    }
  };
})();

/* The map page (/map): draws the places and the areas' outlines of the page's JSON data block with Leaflet.
 * Every text from the data goes in as a DOM text node, never as HTML: place names and titles are what people
 * typed. The only HTML is the tiles' attribution, which comes from the settings file. One element with the
 * class "est-place" per drawn place (the browser test counts them). No inline script: the CSP forbids it. */
(function () {
  "use strict";

  var box = document.getElementById("map");
  var block = document.getElementById("map-data");
  if (!box || !block || typeof L === "undefined") {
    return;
  }
  var data = JSON.parse(block.textContent);
  var labels = data.labels || {};
  var nojs = document.getElementById("map-nojs");
  if (nojs) {
    nojs.hidden = true;
  }

  var maxZoom = parseInt(box.dataset.maxZoom, 10) || 19;
  var map = L.map(box, { maxZoom: maxZoom, scrollWheelZoom: false, zoomSnap: 0.5 });
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: maxZoom, attribution: box.dataset.attribution || "" }).addTo(map);
  }

  // Layers are made first and added once the map has its view (Leaflet draws vectors only on a map with one).
  var bounds = L.latLngBounds([]);
  var layers = [];

  data.areas.forEach(function (area) {
    if (!area.outline) {
      return;
    }
    var layer = L.geoJSON(
      { type: "MultiPolygon", coordinates: area.outline },
      { interactive: false, style: { className: "est-area", color: "#0b4f9c", weight: 2, fillOpacity: 0.06 } }
    );
    layers.push(layer);
    bounds.extend(layer.getBounds());
  });

  function element(tag, text, className) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) {
      el.appendChild(document.createTextNode(String(text)));
    }
    if (className) {
      el.className = className;
    }
    return el;
  }

  function section(root, heading, lines) {
    if (!lines.length) {
      return;
    }
    root.appendChild(element("h3", heading));
    var list = element("ul");
    lines.forEach(function (line) {
      list.appendChild(element("li", line));
    });
    root.appendChild(list);
  }

  function popup(place) {
    var root = element("div", null, "est-popup");
    root.tabIndex = 0; // a long popup scrolls: reachable by keyboard
    root.appendChild(element("h2", place.name));
    root.appendChild(element("p", place.area_name + " · " + place.level));
    root.appendChild(element("p", place.summary));
    section(root, labels.factors, place.factors);
    section(root, labels.weeks, place.weeks);
    section(root, labels.actions, place.actions);
    return root;
  }

  // The radius grows with how often a place was named (its area with the count), from 7 to 24 pixels.
  var most = 1;
  data.places.forEach(function (p) {
    most = Math.max(most, p.mentions);
  });
  function radius(mentions) {
    return 7 + 17 * Math.sqrt(mentions / most);
  }

  var markers = {};
  data.places.forEach(function (place) {
    if (!place.drawn) {
      return;
    }
    var marker = L.circleMarker([place.lat, place.lon], {
      radius: radius(place.mentions),
      className: "est-place est-level-" + place.colour,
      color: "#1b1b1b",
      weight: 2,
      fillColor: place.hex,
      fillOpacity: 0.85
    });
    // Within the map on a phone too: a long popup scrolls instead of leaving the map.
    marker.bindPopup(popup(place), {
      maxWidth: Math.max(200, Math.min(320, box.clientWidth - 60)),
      maxHeight: Math.max(160, box.clientHeight - 90),
      autoPanPaddingTopLeft: L.point(52, 10)
    });
    marker.on("add", function () {
      // Keyboard: the marker is a focusable button that opens its popup with Enter or Space.
      var el = marker.getElement();
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "button");
      el.setAttribute("aria-label", place.name + ", " + place.summary);
      el.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          marker.openPopup();
        }
      });
    });
    layers.push(marker);
    markers[place.id] = marker;
    bounds.extend([place.lat, place.lon]);
  });

  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
  } else {
    map.setView([62.0, 15.0], 4); // nothing to draw: Sweden
  }
  layers.forEach(function (layer) {
    layer.addTo(map);
  });

  // The table's "show on the map" buttons (hidden without JavaScript): open the place's popup and go to the map.
  Array.prototype.forEach.call(document.querySelectorAll("button.map-show"), function (button) {
    var marker = markers[button.dataset.place];
    if (!marker) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      box.scrollIntoView({ block: "center" });
      map.setView(marker.getLatLng(), Math.max(map.getZoom(), 15), { animate: false });
      marker.openPopup();
      var el = marker.getElement();
      if (el) {
        el.focus({ preventScroll: true });
      }
    });
  });
}());

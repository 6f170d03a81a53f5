// The leader's map (警源治理地图): the areas' outlines from GeoJSON, grids
// shaded by their count of calls, the calls clustered, the hotspots ringed
// and ranked; a click on a grid opens its orders. Tiles only when a tile
// server is set; nothing else is fetched. No inline scripts (CSP).
(function () {
  "use strict";
  function shade(n, max) {
    if (!n) return "#f8fafc";
    var t = Math.min(1, n / Math.max(1, max));
    // light yellow → deep red
    var stops = [[255, 237, 160], [254, 178, 76], [240, 59, 32], [165, 15, 21]];
    var x = t * (stops.length - 1), i = Math.min(stops.length - 2, Math.floor(x)), f = x - i;
    var c = stops[i].map(function (v, k) { return Math.round(v + (stops[i + 1][k] - v) * f); });
    return "rgb(" + c.join(",") + ")";
  }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function draw() {
    var el = document.getElementById("govmap");
    if (!el || el._map || !window.L) return;
    var d = JSON.parse(el.getAttribute("data-map"));
    var lab = d.labels;
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.25, maxZoom: 19 });
    el._map = map;
    var tiles = el.getAttribute("data-tiles");
    if (tiles) L.tileLayer(tiles, { maxZoom: 19 }).addTo(map);
    var feats = (d.areas && d.areas.features) || [];
    function level(l) { return { type: "FeatureCollection", features: feats.filter(function (f) { return f.properties.level === l && f.geometry.type !== "Point"; }) }; }
    var grids = L.geoJSON(level("grid"), {
      style: function (f) {
        return { color: "#334155", weight: 1, fillColor: shade(f.properties.count, d.max), fillOpacity: tiles ? 0.55 : 0.85 };
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        l.bindTooltip(esc(p.name) + " · " + p.count + " " + esc(lab.calls), { sticky: true });
        l.bindPopup("<b>" + esc(p.name) + "</b><br>" + p.count + " " + esc(lab.calls) +
          '<br><a class="grid-orders" href="/map/areas/' + p.id + "?" + esc(d.query) + '">' + esc(lab.orders) + " →</a>");
        l.on("click", function () { l.openPopup(); });
      }
    }).addTo(map);
    // Streets and districts over the grids: outlines only, for orientation
    // (they take no clicks, so a click reaches the grid beneath).
    L.geoJSON(level("street"), { interactive: false, style: { color: "#0f172a", weight: 2.5, fill: false } }).addTo(map);
    L.geoJSON(level("district"), { interactive: false, style: { color: "#1e3a8a", weight: 4, fill: false } }).addTo(map);
    // Incidents, clustered.
    var pts = window.L.markerClusterGroup ? L.markerClusterGroup({ maxClusterRadius: 40, showCoverageOnHover: false }) : L.layerGroup();
    (d.points || []).forEach(function (p) {
      var m = L.circleMarker([p.lat, p.lng], { radius: 5, color: p.disposition === "police" || p.disposition === "joint" ? "#b91c1c" : "#1d4ed8", weight: 1.5, fillOpacity: 0.8 });
      m.bindPopup(esc(lab.incident) + ' <a href="/incidents/' + p.id + '">#' + p.id + "</a><br>" + esc(p.category));
      pts.addLayer(m);
    });
    pts.addTo(map);
    // Hotspots: a ring and the rank.
    var hot = L.layerGroup();
    (d.hotspots || []).forEach(function (h) {
      if (h.lat == null) return;
      var name = (d.lang === "en" ? h.category_en : h.category_zh) || h.category;
      L.circle([h.lat, h.lng], { radius: h.radius_m || 250, color: "#7c2d12", weight: 2, dashArray: "5 4", fill: false })
        .bindTooltip("#" + h.rank + " " + esc(h.area || h.address) + " · " + esc(name) + " · " + h.count).addTo(hot);
      L.marker([h.lat, h.lng], { zIndexOffset: 1000, icon: L.divIcon({ className: "hot-rank", html: String(h.rank), iconSize: [22, 22], iconAnchor: [-6, 28] }) }).addTo(hot);
    });
    hot.addTo(map);
    var overlays = {};
    overlays[lab.grids] = grids; overlays[lab.incidents] = pts; overlays[lab.hotspots] = hot;
    L.control.layers(null, overlays, { collapsed: window.innerWidth < 700 }).addTo(map);
    // Legend.
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "map-legend");
      var seen = {}, rows = [];
      [0, 0.25, 0.5, 0.75, 1].forEach(function (s) {
        var n = Math.round(s * d.max);
        if (seen[n]) return;
        seen[n] = true;
        rows.push('<i style="background:' + shade(n, d.max) + '"></i>' + n);
      });
      div.innerHTML = rows.join("<br>");
      return div;
    };
    legend.addTo(map);
    var b = grids.getBounds();
    if (b.isValid()) map.fitBounds(b, { padding: [8, 8] });
    else map.setView([0, 0], 2);
    // Each grid's path is named by its code (for tests and styling).
    grids.eachLayer(function (l) { if (l.getElement && l.getElement()) l.getElement().setAttribute("data-grid", l.feature.properties.code); });
    el.setAttribute("data-ready", String(grids.getLayers().length));
  }
  window.addEventListener("load", function () {
    try { draw(); } catch (e) { document.getElementById("govmap").setAttribute("data-error", String(e && e.stack || e)); throw e; }
  });
})();

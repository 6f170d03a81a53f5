// Fenliu console behaviour: live updates, countdowns, new-order alerts,
// location capture and maps. No inline scripts (the CSP forbids them).
(function () {
  "use strict";
  var lang = document.body.getAttribute("data-lang") || "zh";

  // Live: the server sends "changed" with an incident id; screens that
  // listen for fenliu:changed re-fetch what they may see.
  var live = document.body.getAttribute("data-live");
  if (live && window.EventSource) {
    var dot = document.getElementById("live");
    var es = new EventSource(live);
    es.addEventListener("open", function () { if (dot) dot.className = "live on"; });
    es.addEventListener("error", function () { if (dot) dot.className = "live"; });
    es.addEventListener("changed", function (e) {
      document.body.dispatchEvent(new CustomEvent("fenliu:changed", { detail: { id: e.data } }));
    });
  }

  // Countdowns to deadlines.
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var left = parseInt(el.getAttribute("data-due"), 10) - now;
      var over = left < 0;
      var s = Math.floor(Math.abs(left) / 1000);
      var txt = (s >= 86400 ? Math.floor(s / 86400) + (lang === "en" ? "d " : "天") : "") +
        pad(Math.floor(s % 86400 / 3600)) + ":" + pad(Math.floor(s % 3600 / 60)) + ":" + pad(s % 60);
      el.textContent = over ? (lang === "en" ? "overdue " : "已超时 ") + txt : (lang === "en" ? "left " : "剩余 ") + txt;
      // "near" from the limit's warning point (the server's rule, data-warn).
      var warn = parseInt(el.getAttribute("data-warn") || "0", 10);
      el.className = "due" + (over ? " over" : warn && now >= warn ? " near" : "");
    });
  }
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", tick);
  tick();

  // New orders in the inbox: a visible banner and a short tone.
  var lastCount = null;
  function beep() {
    try {
      var C = window.AudioContext || window.webkitAudioContext;
      var ctx = new C(), o = ctx.createOscillator(), g = ctx.createGain();
      o.frequency.value = 880; o.connect(g); g.connect(ctx.destination);
      g.gain.setValueAtTime(0.2, ctx.currentTime); o.start(); o.stop(ctx.currentTime + 0.35);
    } catch (e) { /* no audio device */ }
  }
  function checkInbox() {
    var list = document.querySelector("[data-new-count]");
    if (!list) return;
    var n = parseInt(list.getAttribute("data-new-count"), 10);
    if (lastCount !== null && n > lastCount) {
      var a = document.getElementById("alert");
      if (a) { a.hidden = false; setTimeout(function () { a.hidden = true; }, 8000); }
      beep();
      document.title = "(" + n + ") " + document.title.replace(/^\(\d+\) /, "");
    }
    lastCount = n;
  }
  document.addEventListener("htmx:afterSwap", checkInbox);
  checkInbox();

  // "Attach my location" fills the hidden lat/lng of its form.
  document.querySelectorAll("input.geo").forEach(function (cb) {
    var form = cb.form;
    function fill() {
      if (!cb.checked || !navigator.geolocation) return;
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(6);
        form.querySelector("[name=lng]").value = pos.coords.longitude.toFixed(6);
      }, function () {}, { enableHighAccuracy: true, timeout: 10000 });
    }
    cb.addEventListener("change", fill);
    fill();
  });

  // Maps: GeoJSON drawn with Leaflet; tiles only if a tile server is set.
  function drawMaps() {
    if (!window.L) return;
    document.querySelectorAll("[data-geojson]").forEach(function (el) {
      if (el._map) return;
      var data = JSON.parse(el.getAttribute("data-geojson"));
      var map = L.map(el, { attributionControl: false });
      el._map = map;
      var tiles = el.getAttribute("data-tiles");
      if (tiles) L.tileLayer(tiles, { maxZoom: 19 }).addTo(map);
      var layer = L.geoJSON(data, {
        pointToLayer: function (f, ll) {
          if (f.properties.kind === "area") {
            return L.circle(ll, { radius: 400, color: "#2563eb", weight: 1, fillOpacity: 0.08 });
          }
          return L.circleMarker(ll, { radius: 9, color: "#b91c1c", weight: 3, fillOpacity: 0.7 });
        },
        // Text, never HTML: an address is whatever a caller said.
        onEachFeature: function (f, l) {
          if (!f.properties.name) return;
          var t = document.createElement("span");
          t.textContent = f.properties.name;
          l.bindTooltip(t);
        }
      }).addTo(map);
      var b = layer.getBounds();
      if (b.isValid()) map.fitBounds(b.pad(0.5), { maxZoom: 16 });
    });
  }
  window.addEventListener("load", drawMaps);

  // Charts: ECharts options rendered by the server as JSON.
  function drawCharts() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el._chart) return;
      el._chart = echarts.init(el);
      el._chart.setOption(JSON.parse(el.getAttribute("data-chart")));
    });
  }
  window.addEventListener("load", drawCharts);
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) { if (el._chart) el._chart.resize(); });
  });
  document.addEventListener("htmx:afterSettle", drawMaps);
})();

// Keyboard, printing and going back — behaviour the templates name with
// data attributes (the CSP allows no inline handlers).
(function () {
  "use strict";
  // The desk: Ctrl+Enter transfers, Alt+P dispatches police, as the
  // buttons say; the browser checks the form first (requestSubmit).
  var intake = document.getElementById("intake");
  if (intake) {
    document.addEventListener("keydown", function (e) {
      if (e.isComposing) return;
      var btn = null;
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) btn = document.getElementById("transfer");
      else if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === "KeyP") btn = document.getElementById("police");
      if (!btn) return;
      e.preventDefault();
      if (intake.requestSubmit) intake.requestSubmit(btn); else btn.click();
    });
  }

  // Print buttons.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });

  // "Back" links go back in history when there is one (the browser keeps
  // what was typed); without script they follow their href.
  document.querySelectorAll("a[data-back]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (window.history.length > 1 && document.referrer && document.referrer.indexOf(location.origin) === 0) {
        e.preventDefault();
        window.history.back();
      }
    });
  });

  // Queues worked by keyboard (data-queue): j/k or the arrow keys move
  // between items, Enter opens the item's first field or link.
  document.querySelectorAll("[data-queue]").forEach(function (q) {
    function items() { return Array.prototype.slice.call(q.querySelectorAll("[data-item]")); }
    function focusItem(i) {
      var list = items();
      if (!list.length) return;
      i = Math.max(0, Math.min(list.length - 1, i));
      list.forEach(function (el) { el.classList.remove("current"); });
      list[i].classList.add("current");
      list[i].focus();
      list[i].scrollIntoView({ block: "nearest" });
    }
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.ctrlKey || e.altKey || e.metaKey) return;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) {
        if (e.key === "Escape") { var it = t.closest("[data-item]"); if (it) it.focus(); }
        return;
      }
      var list = items();
      var cur = list.indexOf(document.activeElement && document.activeElement.closest ? document.activeElement.closest("[data-item]") : null);
      if (e.key === "j" || e.key === "ArrowDown") { e.preventDefault(); focusItem(cur + 1); }
      else if (e.key === "k" || e.key === "ArrowUp") { e.preventDefault(); focusItem(cur < 0 ? 0 : cur - 1); }
      else if (e.key === "Enter" && cur >= 0 && document.activeElement === list[cur]) {
        // Into the item's first field — on key-up, so this Enter does not
        // also send the form it lands in.
        e.preventDefault();
        enterOn = list[cur];
      }
    });
    var enterOn = null;
    document.addEventListener("keyup", function (e) {
      if (e.key !== "Enter" || !enterOn) return;
      var f = enterOn.querySelector("input:not([type=hidden]), select, textarea, button");
      enterOn = null;
      if (f) f.focus();
    });
    // A live update redraws the queue: keep the item the user was on.
    var keep = null;
    q.addEventListener("htmx:beforeSwap", function () {
      var a = document.activeElement, it = a && a.closest ? a.closest("[data-item]") : null;
      keep = it && a === it ? (it.getAttribute("data-incident") || "i") + "/" + (it.getAttribute("data-order") || "o") : null;
    });
    q.addEventListener("htmx:afterSwap", function () {
      if (!keep) return;
      items().forEach(function (it) {
        if ((it.getAttribute("data-incident") || "i") + "/" + (it.getAttribute("data-order") || "o") === keep) { it.classList.add("current"); it.focus(); }
      });
      keep = null;
    });
  });

})();

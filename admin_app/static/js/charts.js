/*
 * The landing page's charts, drawn as inline SVG from /api/figures.json.
 *
 * Hand-written, no library and nothing fetched from the internet. Each chart replaces
 * the table of numbers the server already rendered in its container (the page reads
 * the same without JavaScript). Every bar with a list behind it is a link to that list.
 * Text is set with textContent only, never as HTML.
 */
(function () {
  "use strict";

  var NS = "http://www.w3.org/2000/svg";
  var WIDTH = 640; /* set to each chart's own width before drawing it: 1 unit = 1 pixel */
  var BLUE = "#3b7dd8";
  var COLORS = { low: "#4caf50", medium: "#f0a030", high: "#d9463a", built: "#4caf50",
                 building: "#f0a030", planned: "#9e9e9e" };

  function svgEl(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function pick(data, path) {
    return path.split(".").reduce(function (obj, key) {
      return obj === null || obj === undefined ? null : obj[key];
    }, data);
  }

  /* Only links inside this site (a path), nothing else. */
  function safeUrl(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : null;
  }

  /* A group that is a link when the figure has a list behind it. */
  function linkOrGroup(parent, url, title) {
    var href = safeUrl(url);
    var node = href ? svgEl("a", { href: href, "class": "wbz-link" }) : svgEl("g");
    node.appendChild(svgEl("title", {}, title));
    parent.appendChild(node);
    return node;
  }

  function newSvg(height, label) {
    return svgEl("svg", {
      viewBox: "0 0 " + WIDTH + " " + height,
      width: "100%",
      role: "group",
      "aria-label": label,
      height: height,
      "class": "wbz-svg",
    });
  }

  function cut(text, n) {
    text = String(text || "");
    return text.length > n ? text.slice(0, n - 1) + "…" : text;
  }

  /* Horizontal bars: label, bar, count. */
  function bars(items, label) {
    var row = 26, left = Math.min(190, Math.round(WIDTH * 0.34)), right = 50;
    var max = Math.max.apply(null, items.map(function (it) { return it.count; }).concat([1]));
    var svg = newSvg(items.length * row + 6, label);
    items.forEach(function (it, i) {
      var y = i * row + 4;
      var w = Math.round((WIDTH - left - right) * it.count / max);
      var g = linkOrGroup(svg, it.url, it.label + "：" + it.count);
      g.setAttribute("data-key", it.key);
      g.appendChild(svgEl("text", { x: left - 8, y: y + 15, "text-anchor": "end",
                                     "font-size": 13, fill: "#333" }, cut(it.label, 14)));
      g.appendChild(svgEl("rect", { x: left, y: y, width: WIDTH - left - right, height: row - 8,
                                     fill: "#f1f3f5" }));
      if (w > 0) {
        g.appendChild(svgEl("rect", { x: left, y: y, width: w, height: row - 8,
                                       fill: COLORS[it.key] || BLUE }));
      }
      g.appendChild(svgEl("text", { x: left + w + 6, y: y + 14, "font-size": 13,
                                     "font-weight": "bold", fill: it.url ? "#0b5ed7" : "#333",
                                     "class": "wbz-count" }, it.count));
    });
    return svg;
  }

  /* Vertical bars, one per month. */
  function months(items, label) {
    var height = 180, top = 18, bottom = 38, left = 10;
    var slot = (WIDTH - 2 * left) / Math.max(items.length, 1);
    var max = Math.max.apply(null, items.map(function (it) { return it.count; }).concat([1]));
    var svg = newSvg(height, label);
    var base = height - bottom;
    svg.appendChild(svgEl("line", { x1: left, x2: WIDTH - left, y1: base, y2: base,
                                     stroke: "#adb5bd" }));
    items.forEach(function (it, i) {
      var h = Math.round((base - top) * it.count / max);
      var x = left + i * slot;
      var g = linkOrGroup(svg, it.url, it.label + "：" + it.count);
      g.setAttribute("data-key", it.key);
      if (h > 0) {
        g.appendChild(svgEl("rect", { x: x + slot * 0.2, y: base - h, width: slot * 0.6,
                                       height: h, fill: BLUE }));
      }
      g.appendChild(svgEl("text", { x: x + slot / 2, y: base - h - 4, "text-anchor": "middle",
                                     "font-size": 12, "class": "wbz-count" }, it.count));
      var month = String(it.key).split("-");
      g.appendChild(svgEl("text", { x: x + slot / 2, y: height - 22, "text-anchor": "middle",
                                     "font-size": 11, fill: "#555" }, Number(month[1]) + "月"));
      if (i === 0 || month[1] === "01") {
        g.appendChild(svgEl("text", { x: x + slot / 2, y: height - 8, "text-anchor": "middle",
                                       "font-size": 11, fill: "#888" }, month[0] + "年"));
      }
    });
    return svg;
  }

  /* One progress bar: done against a target (null target: not yet split); the percentage
     is the server's (progress.percent), so every page shows the same figure. */
  function progressBar(parent, x, y, width, done, target, caption, url, percent) {
    var g = linkOrGroup(parent, url, caption);
    var share = target ? Math.min(done / target, 1) : 0;
    g.appendChild(svgEl("rect", { x: x, y: y, width: width, height: 14, rx: 3, fill: "#e9ecef" }));
    if (share > 0) {
      g.appendChild(svgEl("rect", { x: x, y: y, width: Math.round(width * share), height: 14,
                                     rx: 3, fill: done >= target ? "#4caf50" : BLUE }));
    }
    var text = target === null || target === undefined
      ? caption + "：已建 " + done + "（分年未确认）"
      : caption + "：已建 " + done + " / " + target + "（" + percent + "%）";
    g.appendChild(svgEl("text", { x: x + 4, y: y + 28, "font-size": 12, fill: "#333" }, text));
  }

  /* Counties side by side (or the county itself) against the 2023 and two-year targets. */
  function construction(data, label) {
    var rows = data.counties.slice();
    if (rows.length > 1) { rows.push(data.total); }
    var row = 44, left = 110, half = (WIDTH - left - 10) / 2;
    var extra = data.province_targets ? 1 : 0;
    var svg = newSvg((rows.length + extra) * row + 22, label);
    svg.appendChild(svgEl("text", { x: left, y: 12, "font-size": 12, fill: "#666" }, "2023 年任务"));
    svg.appendChild(svgEl("text", { x: left + half, y: 12, "font-size": 12, fill: "#666" },
                          "至 2024 年底全覆盖（任务总数）"));
    rows.forEach(function (r, i) {
      var y = i * row + 22;
      var g = svgEl("g", { "data-key": r.key || "total" });
      svg.appendChild(g);
      var name = linkOrGroup(g, r.url, r.name);
      name.appendChild(svgEl("text", { x: 0, y: y + 12, "font-size": 13,
                                        "font-weight": r.key ? "normal" : "bold",
                                        fill: r.behind && r.behind.length ? "#c82333" : "#333" },
                             cut(r.name, 9)));
      progressBar(g, left, y, half - 14, r.built_2023, r.target_2023, "2023年", r.url,
                  r.percent_2023);
      progressBar(g, left + half, y, half - 14, r.built_total, r.plan_total, "两年", r.url,
                  r.percent);
    });
    if (extra) {
      var t = data.province_targets, y = rows.length * row + 22, total = data.total;
      svg.appendChild(svgEl("text", { x: 0, y: y + 12, "font-size": 13, "font-weight": "bold" },
                            "方案规定"));
      progressBar(svg, left, y, half - 14, total.built_2023, t["2023"], "全区 2023年", total.url,
                  t.percent_2023);
      progressBar(svg, left + half, y, half - 14, total.built_total, t["2023"] + t["2024"],
                  "全区两年", total.url, t.percent);
    }
    return svg;
  }

  /* A county's townships side by side: station status, children on the books, open cases. */
  function townships(items, label) {
    var row = 28, nameW = 120, statusW = 90, caseW = 90;
    var barX = nameW + statusW, barW = WIDTH - barX - caseW - 40;
    var max = Math.max.apply(null, items.map(function (t) { return t.children.count; }).concat([1]));
    var svg = newSvg(items.length * row + 24, label);
    [[0, "乡镇（街道）"], [nameW, "未保站"], [barX, "在册儿童"], [WIDTH - caseW, "未结案件"]]
      .forEach(function (h) {
        svg.appendChild(svgEl("text", { x: h[0], y: 12, "font-size": 12, fill: "#666" }, h[1]));
      });
    items.forEach(function (t, i) {
      var y = i * row + 22;
      var g = svgEl("g", { "data-key": t.key, "class": "wbz-township" });
      svg.appendChild(g);
      g.appendChild(svgEl("text", { x: 0, y: y + 14, "font-size": 13 }, cut(t.name, 9)));
      var st = t.station;
      var s = linkOrGroup(g, st && st.url, st ? st.name : t.name + "：未登记未保站");
      s.appendChild(svgEl("text", { x: nameW, y: y + 14, "font-size": 13,
                                     fill: st ? (COLORS[st.status] || "#333") : "#c82333" },
                          st ? st.status_label : "未登记"));
      var c = linkOrGroup(g, t.children.url, t.name + " 在册儿童：" + t.children.count);
      var w = Math.round(barW * t.children.count / max);
      c.appendChild(svgEl("rect", { x: barX, y: y + 2, width: barW, height: 16, fill: "#f1f3f5" }));
      if (w > 0) {
        c.appendChild(svgEl("rect", { x: barX, y: y + 2, width: w, height: 16, fill: BLUE }));
      }
      c.appendChild(svgEl("text", { x: barX + w + 6, y: y + 15, "font-size": 13,
                                     "class": "wbz-count" }, t.children.count));
      var o = linkOrGroup(g, t.open_cases.url, t.name + " 未结案件：" + t.open_cases.count);
      o.appendChild(svgEl("text", { x: WIDTH - caseW, y: y + 14, "font-size": 13,
                                     fill: t.open_cases.count ? "#c82333" : "#333" },
                          t.open_cases.count));
    });
    return svg;
  }

  var DRAW = { bars: bars, months: months, construction: construction, townships: townships };

  function draw(data) {
    var boxes = document.querySelectorAll(".wbz-chart[data-series]");
    Array.prototype.forEach.call(boxes, function (box) {
      var series = pick(data, box.getAttribute("data-series"));
      var kind = DRAW[box.getAttribute("data-kind")] || bars;
      if (series === null || series === undefined) { return; }
      WIDTH = Math.max(360, Math.floor(box.clientWidth || 640));
      var title = box.parentNode.querySelector(".card-title");
      var svg = kind(series, title ? title.textContent : "");
      var old = box.querySelector("svg");
      if (old) { box.removeChild(old); }
      box.appendChild(svg);
      var table = box.querySelector(".wbz-fallback");
      if (table) { table.hidden = true; }
      box.setAttribute("data-drawn", "1");
    });
  }

  function load() {
    var root = document.getElementById("charts");
    if (!root || !window.fetch) { return; }
    fetch(root.getAttribute("data-src"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (r) {
        var type = r.headers.get("Content-Type") || "";
        if (!r.ok || type.indexOf("application/json") !== 0) { return null; }
        return r.json();
      })
      .then(function (data) {
        if (!data) { return; }
        draw(data);
        var timer = null, width = window.innerWidth;
        window.addEventListener("resize", function () {
          if (window.innerWidth === width) { return; }
          width = window.innerWidth;
          clearTimeout(timer);
          timer = setTimeout(function () { draw(data); }, 200);
        });
      })
      .catch(function () { /* the numbers stay as a table */ });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", load);
  } else {
    load();
  }
}());

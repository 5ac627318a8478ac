/* pdgraph map: builds the vis-network view from the JSON in #pdgraph-data.
 *
 * Safety: every text from a document arrives as JSON data and is shown with
 * textContent or drawn on the canvas; this file never uses innerHTML,
 * insertAdjacentHTML, document.write or eval.
 * Offline: nothing here requests anything; the page's CSP forbids it anyway.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("pdgraph-data").textContent);
  var aggregated = data.mode === "aggregated";
  var styles = data.nodeStyles;
  var categories = data.categories;
  var state = { labels: true, warnOnly: false, hidden: {}, expanded: {}, matches: [], matchAt: 0, lastQuery: "" };

  var nodeRecord = {};
  var edgeRecord = {};
  var nodesOfBody = {};
  var edgesOfBody = {};
  data.nodes.forEach(function (n) {
    nodeRecord[n.id] = n;
    n.bodies.forEach(function (b) { (nodesOfBody[b] = nodesOfBody[b] || []).push(n.id); });
  });
  data.edges.forEach(function (e) {
    edgeRecord[e.id] = e;
    e.bodies.forEach(function (b) { (edgesOfBody[b] = edgesOfBody[b] || []).push(e.id); });
  });
  var summaryRecord = {};
  (data.summaries || []).forEach(function (s) { summaryRecord[s.id] = s; });
  (data.links || []).forEach(function (l) { edgeRecord[l.id] = l; });

  // -- DOM helpers (text only)
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  // A tooltip clips long texts (the details panel, on click, shows them whole).
  var TOOLTIP_CLIP = 180;

  function clip(text, limit) {
    text = String(text);
    return limit && text.length > limit ? text.slice(0, limit - 1) + "…" : text;
  }

  function infoBox(info, warn, limit) {
    var box = el("div", "tt");
    info.forEach(function (pair) {
      var row = el("div", "tt-row");
      if (warn && pair[0].indexOf("法令上の根拠") === 0) { row.className += " tt-warn"; }
      row.appendChild(el("span", "tt-key", pair[0]));
      row.appendChild(el("span", "tt-val", clip(pair[1], limit)));
      box.appendChild(row);
    });
    return box;
  }

  function norm(text) {
    return String(text || "").normalize("NFKC").replace(/\s+/g, "").toLowerCase();
  }

  function fullName(record) { return record.name || record.label.replace(/\n/g, ""); }

  // -- vis items
  function nodeColor(record) {
    var style = styles[record.kind];
    var fill = record.kind === "system" ? (data.systemColors[record.sys] || data.systemColors[""]) : style.color;
    return { background: fill, border: style.border,
             highlight: { background: fill, border: "#000000" }, hover: { background: fill, border: "#000000" } };
  }

  function visNode(record, position) {
    var style = styles[record.kind];
    var item = { id: record.id, label: record.label, shape: style.shape, size: style.size,
                 color: nodeColor(record), font: { color: style.font_color }, title: infoBox(record.info, false, TOOLTIP_CLIP) };
    if (style.shape === "box" || style.shape === "ellipse" || style.shape === "database") {
      item.margin = { top: 6, bottom: 6, left: 9, right: 9 };
    }
    if (record.kind === "body") { item.font = { color: style.font_color, size: 17 }; item.borderWidth = 2; }
    if (position) { item.x = position.x; item.y = position.y; }
    if (record.diff && data.diff) { diffNode(item, data.diff.styles[record.diff]); }
    return item;
  }

  // A map diff: a node of one version only keeps its fill and gets the change's border.
  function diffNode(item, look) {
    item.color.border = look.color;
    item.color.highlight.border = look.color;
    item.color.hover.border = look.color;
    item.borderWidth = 3;
    item.shapeProperties = { borderDashes: look.dashes.length ? look.dashes : false };
  }

  function summaryNode(summary) {
    var style = styles.body;
    return { id: summary.id, label: summary.label, shape: "dot", value: summary.value, x: summary.x, y: summary.y,
             color: { background: style.color, border: summary.warning ? data.warningColor : style.border,
                      highlight: { background: style.color, border: "#000000" } },
             borderWidth: summary.warning ? 3 : 1.5, font: { color: "#1a1a1a", size: 13 },
             title: infoBox(summary.info, summary.warning, TOOLTIP_CLIP) };
  }

  function visEdge(record) {
    var category = categories[record.cat];
    var color = record.warn ? data.warningColor : category.color;
    var item = { id: record.id, from: record.from, to: record.to, label: state.labels ? record.label : "",
                 color: { color: color, highlight: color, hover: color, opacity: record.cat === "保有" || record.cat === "使用" ? 0.6 : 0.95 },
                 arrows: { to: { enabled: category.arrows, scaleFactor: 0.55 } },
                 dashes: record.warn ? [7, 5] : false,
                 width: record.warn ? 2.6 : (category.arrows ? 1.5 : 1),
                 title: infoBox(record.info, record.warn, TOOLTIP_CLIP) };
    if (record.warn) { item.font = { color: data.warningColor }; }
    if (record.diff && data.diff) {
      var look = data.diff.styles[record.diff];
      item.color = { color: look.color, highlight: look.color, hover: look.color, opacity: 1 };
      item.dashes = look.dashes.length ? look.dashes : false;
      item.width = look.width;
    }
    if (record.curve) {
      item.smooth = { enabled: true, type: record.curve % 2 ? "curvedCW" : "curvedCCW",
                      roundness: 0.07 * Math.ceil(record.curve / 2) };
    }
    return item;
  }

  // -- the network
  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();
  if (aggregated) {
    nodes.add(data.summaries.map(summaryNode));
    edges.add(data.links.map(visEdge));
    document.getElementById("aggregate-help").hidden = false;
  } else {
    nodes.add(data.nodes.map(function (n) { return visNode(n); }));
    edges.add(data.edges.map(visEdge));
  }
  var options = data.options;
  if (aggregated) { options.nodes.scaling = { min: 6, max: 22, label: { enabled: false, drawThreshold: 6 } }; }
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);

  function markReady() {
    window.pdgraph.ready = true;
    window.pdgraph.readyAt = performance.now();
    document.body.setAttribute("data-ready", "1");
  }

  if (!aggregated && data.nodes.length > 0 && options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      markReady();
    });
  } else {
    network.once("afterDrawing", markReady);
  }

  // -- expanding an assessing body (aggregated view)
  function isVisibleForBodies(record) {
    for (var i = 0; i < record.bodies.length; i += 1) {
      if (state.expanded[record.bodies[i]]) { return true; }
    }
    return false;
  }

  function expand(bodyId) {
    state.expanded[bodyId] = true;
    var center = network.getPosition(bodyId);
    var fresh = (nodesOfBody[bodyId] || []).filter(function (id) { return id !== bodyId && !nodes.get(id); });
    var radius = 140 + 12 * Math.sqrt(fresh.length);
    // Only the new nodes move: the others leave the simulation while the detail settles.
    var previous = nodes.getIds();
    nodes.update(previous.map(function (id) { return { id: id, physics: false }; }));
    nodes.add(fresh.map(function (id, i) {
      var angle = (2 * Math.PI * i) / Math.max(1, fresh.length);
      return visNode(nodeRecord[id], { x: center.x + radius * Math.cos(angle), y: center.y + radius * Math.sin(angle) });
    }));
    var body = nodeRecord[bodyId];
    if (body) {
      var detail = visNode(body);
      detail.value = undefined;
      detail.shape = "box";
      nodes.update(detail);
    }
    edges.add((edgesOfBody[bodyId] || []).filter(function (id) { return !edges.get(id); })
      .map(function (id) { return visEdge(edgeRecord[id]); }));
    applyFilters();
    network.setOptions({ physics: { enabled: true } });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      var extent = radius;
      fresh.forEach(function (id) {
        var p = network.getPosition(id);
        extent = Math.max(extent, Math.sqrt((p.x - center.x) * (p.x - center.x) + (p.y - center.y) * (p.y - center.y)));
      });
      makeRoom(bodyId, center, extent + 90, fresh);
      network.fit({ nodes: fresh.concat([bodyId]), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    });
    network.stabilize(150);
  }

  // Push the collapsed bodies near an expanded one outwards (a fisheye), so its detail has room;
  // they return to their places when it collapses.
  var pushedBy = {};

  function makeRoom(bodyId, center, room, detail) {
    var moved = [];
    var own = {};
    (detail || []).forEach(function (id) { own[id] = true; });
    nodes.forEach(function (item) {
      if (!summaryRecord[item.id] || state.expanded[item.id] || item.id === bodyId || own[item.id]) { return; }
      var p = network.getPosition(item.id);
      var dx = p.x - center.x;
      var dy = p.y - center.y;
      var d = Math.sqrt(dx * dx + dy * dy) || 1;
      if (d >= room * 2) { return; }
      var shift = room * (1 - d / (room * 2)) + 40;
      moved.push({ id: item.id, dx: (dx / d) * shift, dy: (dy / d) * shift });
    });
    pushedBy[bodyId] = moved;
    nodes.update(moved.map(function (m) {
      var p = network.getPosition(m.id);
      return { id: m.id, x: p.x + m.dx, y: p.y + m.dy };
    }));
  }

  function restoreRoom(bodyId) {
    var moved = pushedBy[bodyId] || [];
    delete pushedBy[bodyId];
    nodes.update(moved.filter(function (m) { return nodes.get(m.id); }).map(function (m) {
      var p = network.getPosition(m.id);
      return { id: m.id, x: p.x - m.dx, y: p.y - m.dy };
    }));
  }

  function collapse(bodyId) {
    delete state.expanded[bodyId];
    edges.remove((edgesOfBody[bodyId] || []).filter(function (id) {
      return edges.get(id) && !isVisibleForBodies(edgeRecord[id]);
    }));
    nodes.remove((nodesOfBody[bodyId] || []).filter(function (id) {
      return !summaryRecord[id] && nodes.get(id) && !isVisibleForBodies(nodeRecord[id]);
    }));
    if (summaryRecord[bodyId]) {
      var position = network.getPosition(bodyId);
      var summary = summaryNode(summaryRecord[bodyId]);
      summary.x = position.x;
      summary.y = position.y;
      nodes.update(summary);
    }
    restoreRoom(bodyId);
    applyFilters();
  }

  if (aggregated) {
    network.on("doubleClick", function (params) {
      var id = params.nodes[0];
      if (!id || !summaryRecord[id]) { return; }
      if (state.expanded[id]) { collapse(id); } else { expand(id); }
    });
  }

  // -- filters (edge categories, warnings only) and edge labels
  var alwaysShown = { body: true, file: true };

  function edgeShown(record) {
    if (state.hidden[record.cat]) { return false; }
    if (state.warnOnly && !record.warn && record.cat !== "保有") { return false; }
    return true;
  }

  function applyFilters() {
    var linked = {};
    var edgeUpdates = [];
    edges.forEach(function (item) {
      var record = edgeRecord[item.id];
      var shown = edgeShown(record);
      if (shown) { linked[record.from] = true; linked[record.to] = true; }
      if (Boolean(item.hidden) === shown) { edgeUpdates.push({ id: item.id, hidden: !shown }); }
    });
    var nodeUpdates = [];
    nodes.forEach(function (item) {
      var record = nodeRecord[item.id];
      var kind = record ? record.kind : "body";
      var shown = alwaysShown[kind] || summaryRecord[item.id] !== undefined || linked[item.id] === true;
      if (Boolean(item.hidden) === shown) { nodeUpdates.push({ id: item.id, hidden: !shown }); }
    });
    edges.update(edgeUpdates);
    nodes.update(nodeUpdates);
  }

  function presentCategories() {
    var counts = {};
    (aggregated ? data.edges.concat(data.links) : data.edges).forEach(function (e) {
      counts[e.cat] = (counts[e.cat] || 0) + 1;
    });
    return Object.keys(categories).filter(function (key) { return counts[key]; })
      .map(function (key) { return { key: key, count: counts[key] }; });
  }

  function buildFilters() {
    var list = document.getElementById("filter-list");
    presentCategories().forEach(function (entry) {
      var label = el("label");
      var box = el("input");
      box.type = "checkbox";
      box.checked = true;
      box.setAttribute("data-category", entry.key);
      box.addEventListener("change", function () {
        state.hidden[entry.key] = !box.checked;
        applyFilters();
      });
      label.appendChild(box);
      var line = el("span", "sw sw-line");
      line.style.borderTopColor = categories[entry.key].color;
      label.appendChild(line);
      label.appendChild(el("span", null, categories[entry.key].title));
      label.appendChild(el("span", "count", entry.count));
      list.appendChild(label);
    });
    document.getElementById("warn-only").addEventListener("change", function (event) {
      state.warnOnly = event.target.checked;
      applyFilters();
    });
    document.getElementById("edge-labels").addEventListener("change", function (event) {
      state.labels = event.target.checked;
      edges.update(edges.getIds().map(function (id) {
        return { id: id, label: state.labels ? edgeRecord[id].label : "" };
      }));
    });
  }

  // -- legend (only what the map holds)
  function buildLegend() {
    var list = document.getElementById("legend-list");
    var kinds = {};
    var systemKinds = {};
    data.nodes.forEach(function (n) {
      kinds[n.kind] = true;
      if (n.kind === "system") { systemKinds[n.sys] = true; }
    });
    Object.keys(styles).forEach(function (kind) {
      if (!kinds[kind]) { return; }
      var row = el("div", "legend-row");
      var swatch = el("span", "sw sw-" + styles[kind].shape);
      swatch.style.backgroundColor = styles[kind].color;
      swatch.style.borderColor = styles[kind].border;
      row.appendChild(swatch);
      row.appendChild(el("span", null, styles[kind].title));
      list.appendChild(row);
    });
    var present = Object.keys(data.systemColors).filter(function (k) { return systemKinds[k]; });
    if (present.length) {
      list.appendChild(el("div", "legend-sub", "システムの種別 (色)"));
      present.forEach(function (kind) {
        var row = el("div", "legend-row");
        var swatch = el("span", "sw sw-hexagon");
        swatch.style.backgroundColor = data.systemColors[kind];
        row.appendChild(swatch);
        row.appendChild(el("span", null, kind || "種別不明"));
        list.appendChild(row);
      });
    }
    list.appendChild(el("div", "legend-sub", "辺: 色は「表示する流れ」のとおり。矢印は流れの向き、ラベルは方法。"));
    var warnRow = el("div", "legend-row");
    var warnLine = el("span", "sw sw-line dashed");
    warnLine.style.borderTopColor = data.warningColor;
    warnRow.appendChild(warnLine);
    warnRow.appendChild(el("span", null, "法令上の根拠の記載がない提供・移転 (赤の破線)"));
    list.appendChild(warnRow);
    if (data.diff) { buildDiffLegend(list); }
  }

  function buildDiffLegend(list) {
    list.appendChild(el("div", "legend-sub", "変更点: " + data.diff.old + " → " + data.diff.new));
    Object.keys(data.diff.styles).forEach(function (change) {
      var look = data.diff.styles[change];
      var row = el("div", "legend-row legend-diff");
      row.setAttribute("data-change", change);
      var line = el("span", "sw sw-line" + (look.dashes.length ? " dashed" : ""));
      line.style.borderTopColor = look.color;
      row.appendChild(line);
      row.appendChild(el("span", null, look.title + " " + data.diff.counts[change] + "件"));
      list.appendChild(row);
    });
    list.appendChild(el("div", "legend-sub", "片方の版だけにあるノードは枠の色で示します (破線: 古い版だけ)。"));
  }

  // -- details panel (click) and search
  function showDetails(info, warn) {
    var body = document.getElementById("detail-body");
    while (body.firstChild) { body.removeChild(body.firstChild); }
    body.appendChild(infoBox(info, warn));
  }

  network.on("click", function (params) {
    if (params.nodes.length) {
      var id = params.nodes[0];
      var record = nodeRecord[id];
      if (aggregated && summaryRecord[id] && !state.expanded[id]) { record = summaryRecord[id]; }
      if (record) { showDetails(record.info, record.warning); }
    } else if (params.edges.length) {
      var edge = edgeRecord[params.edges[0]];
      if (edge) { showDetails(edge.info, edge.warn); }
    }
  });

  function fillSearchNames() {
    var list = document.getElementById("search-names");
    var seen = {};
    var names = [];
    data.nodes.forEach(function (n) {
      var name = fullName(n);
      if (!seen[name]) { seen[name] = true; names.push(name); }
    });
    names.sort().slice(0, 5000).forEach(function (name) {
      var option = el("option");
      option.value = name;
      list.appendChild(option);
    });
  }

  function search(query) {
    var needle = norm(query);
    var result = document.getElementById("search-result");
    if (!needle) { result.textContent = ""; return []; }
    if (needle !== state.lastQuery) {
      state.lastQuery = needle;
      state.matches = data.nodes.filter(function (n) { return norm(fullName(n)).indexOf(needle) >= 0; })
        .map(function (n) { return n.id; });
      state.matchAt = 0;
    } else {
      state.matchAt = (state.matchAt + 1) % Math.max(1, state.matches.length);
    }
    if (!state.matches.length) { result.textContent = "一致なし"; return []; }
    var id = state.matches[state.matchAt];
    if (aggregated && !nodes.get(id)) {
      nodeRecord[id].bodies.slice(0, 3).forEach(function (b) { if (!state.expanded[b]) { expand(b); } });
    }
    var item = nodes.get(id);
    if (item && item.hidden) { nodes.update({ id: id, hidden: false }); }
    network.selectNodes([id]);
    network.focus(id, { scale: 1.1, animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    showDetails(nodeRecord[id].info);
    result.textContent = state.matches.length + "件一致 (" + (state.matchAt + 1) + "/" + state.matches.length + ")";
    return state.matches.slice();
  }

  document.getElementById("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    search(document.getElementById("search").value);
  });
  document.getElementById("fit").addEventListener("click", function () { network.fit(); });

  buildFilters();
  buildLegend();
  fillSearchNames();

  // For people scripting the page (and for the browser tests).
  window.pdgraph = { network: network, nodes: nodes, edges: edges, data: data, ready: false,
                     search: search, expand: expand, collapse: collapse, applyFilters: applyFilters };
}());

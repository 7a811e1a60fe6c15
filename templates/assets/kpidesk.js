/* kpidesk site script: starts the charts and renders the complaint lists.
 * Chart options and the lists' indexes are JSON in <script
 * type="application/json"> elements, never code; this file is the only
 * code the site runs besides ECharts. The lists' data files are scripts
 * too, but only assign one JSON value each (see drillPart in sitegen). */
(function () {
  "use strict";

  function startCharts() {
    if (typeof echarts === "undefined") return;
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src) return;
      var option = JSON.parse(src.textContent);
      var unit = option.kpideskUnit || "";
      var text = function (v) { return v + unit; };
      // Durations are plotted in hours and read as the tiles write them
      // ("2小时14分"): the option carries the words, formatters are
      // functions, which JSON cannot carry (charts.go hourValues).
      if (option.kpideskFormat === "duration" && option.kpideskDuration) {
        var w = option.kpideskDuration;
        var words = { "dur.s": w.s, "dur.m": w.m, "dur.hm": w.hm, "dur.h": w.h };
        text = function (v) { return duration(v * 3600, words); };
        // Ticks fall on round durations: whole hours read "8小时", zero "0".
        var tick = function (v) {
          var m = Math.round(v * 60);
          if (m === 0) return "0";
          if (m % 60 === 0 && m < 100 * 60) return printf(words["dur.h"], [m / 60]);
          return text(v);
        };
        [].concat(option.yAxis || []).forEach(function (ax) {
          ax.axisLabel = ax.axisLabel || {};
          ax.axisLabel.formatter = tick;
        });
        (option.series || []).forEach(function (se) {
          if (se.markLine && se.markLine.label) {
            se.markLine.label.formatter = function (p) { return p.name + " " + text(p.value); };
          }
        });
      }
      // A chart whose series have different units (a Pareto's counts and
      // cumulative share) names each series' suffix.
      var units = option.kpideskSeriesUnits;
      if (units) {
        (option.series || []).forEach(function (se, i) {
          var u = units[i] || "";
          se.tooltip = se.tooltip || {};
          se.tooltip.valueFormatter = function (v) {
            return v === null || v === undefined || v === "-" ? "—" : v + u;
          };
        });
      }
      var pick = option.kpideskPicker;
      delete option.kpideskSeriesUnits;
      delete option.kpideskUnit;
      delete option.kpideskFormat;
      delete option.kpideskDuration;
      delete option.kpideskPicker;
      option.tooltip = option.tooltip || {};
      option.tooltip.valueFormatter = function (v) {
        return v === null || v === undefined || v === "-" ? "—" : text(v);
      };
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      charts.push(chart);
      if (pick) picker(el, chart, option, pick);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
    window.addEventListener("beforeprint", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  // picker lists a chart's series as checkboxes under it, in place of a
  // legend too long to show (charts.go pickerMin): each toggles its series
  // through the legend, which stays hidden. Series names come from a
  // helpdesk: they reach the page as text only.
  function picker(el, chart, option, caption) {
    var selected = (option.legend && option.legend.selected) || {};
    var colors = option.color || [];
    var box = document.createElement("fieldset");
    box.className = "chart-picker";
    var title = document.createElement("legend");
    title.textContent = caption;
    box.appendChild(title);
    var seen = {};
    (option.series || []).forEach(function (se, i) {
      var name = String(se.name);
      if (own(seen, name)) return;
      seen[name] = true;
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "checkbox";
      input.checked = own(selected, name) !== false;
      input.addEventListener("change", function () {
        chart.dispatchAction({ type: "legendToggleSelect", name: name });
      });
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.setAttribute("aria-hidden", "true");
      if (colors.length) swatch.style.background = colors[i % colors.length];
      label.appendChild(input);
      label.appendChild(swatch);
      label.appendChild(document.createTextNode(name));
      box.appendChild(label);
    });
    el.parentNode.insertBefore(box, el.nextSibling);
  }

  // sortable lets lists of units (table[data-sortable]) sort by any
  // column: a cell's data-sort is its number ("" for none: last either
  // way), a cell without one sorts by its text. Clicking a column again
  // reverses it; aria-sort tells screen readers the order.
  function sortable() {
    document.querySelectorAll("table[data-sortable]").forEach(function (table) {
      var tbody = table.tBodies[0];
      if (!tbody || !table.tHead) return;
      Array.prototype.forEach.call(tbody.rows, function (tr, i) { tr.kpideskOrder = i; });
      var heads = table.tHead.rows[0].cells;
      var state = { col: -1, desc: false };
      Array.prototype.forEach.call(heads, function (th, col) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "sort";
        while (th.firstChild) b.appendChild(th.firstChild);
        th.appendChild(b);
        b.addEventListener("click", function () {
          state.desc = state.col === col ? !state.desc : false;
          state.col = col;
          var rows = Array.prototype.slice.call(tbody.rows);
          var key = function (tr) {
            var td = tr.cells[col];
            if (!td) return { none: true };
            var raw = td.getAttribute("data-sort");
            if (raw === null) return { text: td.textContent.trim() };
            if (raw === "") return { none: true };
            return { num: parseFloat(raw) };
          };
          var dir = state.desc ? -1 : 1;
          rows.sort(function (a, b) {
            var x = key(a), y = key(b);
            if (x.none || y.none) return (x.none ? 1 : 0) - (y.none ? 1 : 0) || a.kpideskOrder - b.kpideskOrder;
            var c = x.num !== undefined ? x.num - y.num : naturalCompare(x.text, y.text);
            return dir * c || a.kpideskOrder - b.kpideskOrder;
          });
          var frag = document.createDocumentFragment();
          rows.forEach(function (tr) { frag.appendChild(tr); });
          tbody.appendChild(frag);
          Array.prototype.forEach.call(heads, function (h, i) {
            if (i === col) {
              h.setAttribute("aria-sort", state.desc ? "descending" : "ascending");
            } else {
              h.removeAttribute("aria-sort");
            }
          });
        });
      });
    });
  }

  // hashText returns the URL fragment without "#", percent-decoded. A
  // malformed fragment (say #%E0%A4%A) makes decodeURIComponent throw
  // URIError; it names no metric, so it reads as no filter.
  function hashText() {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch (e) {
      return "";
    }
  }

  // Drill-down pages (issue 15 §3) render their list from data: the page
  // names its data files (one script per part of a month, each
  // adding one part to self.kpideskDrill) and lists its rows as indexes
  // into them in the JSON block named by the table's data-drill. Without
  // JavaScript the first rows, rendered with the page, stay as they are.
  // Every string from the data reaches the DOM as text (textContent,
  // setAttribute), never as markup; links are http(s) only.
  var outcomeRank = { miss: 0, pending: 1, hit: 2, counted: 3, other: 4, excluded: 5 };

  function printf(fmt, args) {
    var i = 0;
    return fmt.replace(/%(%|0?\d*)?([ds])|%%/g, function (m, width, verb) {
      if (m === "%%") return "%";
      var v = String(args[i++]);
      var w = parseInt(width || "0", 10);
      if (verb === "d" && width && width.charAt(0) === "0") {
        while (v.length < w) v = "0" + v;
      }
      return v;
    });
  }

  // duration formats seconds as the site does (format.go durationAt at
  // level 0).
  function duration(sec, L) {
    var neg = sec < 0 ? "-" : "";
    sec = Math.abs(sec);
    var r = Math.round(sec);
    if (r < 60) return neg + printf(L["dur.s"], [r]);
    if (r < 3600) return neg + printf(L["dur.m"], [Math.round(sec / 60)]);
    if (r < 100 * 3600) {
      var m = Math.round(sec / 60);
      return neg + printf(L["dur.hm"], [Math.floor(m / 60), m % 60]);
    }
    return neg + printf(L["dur.h"], [Math.round(sec / 3600)]);
  }

  function number(v) {
    var s = (Math.round(v * 10) / 10).toFixed(1);
    return s.replace(/\.0$/, "");
  }

  // wallTime turns minutes of wall-clock time from the start of a month
  // ("2025-11") into [date, date and time], as sitegen's wallDate writes
  // them: the data carries the site's own clock, so no time zone is read.
  function wallTime(month, min) {
    var p = month.split("-");
    var d = new Date(Date.UTC(parseInt(p[0], 10), parseInt(p[1], 10) - 1, 1) + min * 60000);
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    var date = d.getUTCFullYear() + "-" + two(d.getUTCMonth() + 1) + "-" + two(d.getUTCDate());
    return [date, date + " " + two(d.getUTCHours()) + ":" + two(d.getUTCMinutes())];
  }

  // own reads an object's own property: IDs from a helpdesk such as
  // "constructor" must not reach Object.prototype.
  function own(obj, key) {
    return obj && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
  }

  function httpURL(u) {
    return /^https?:\/\//i.test(u) ? u : "";
  }

  // naturalCompare orders "SD-41" before "SD-101".
  function naturalCompare(a, b) {
    var re = /(\d+)|(\D+)/g;
    var x = a.match(re) || [], y = b.match(re) || [];
    for (var i = 0; i < x.length && i < y.length; i++) {
      if (x[i] === y[i]) continue;
      var dx = /^\d/.test(x[i]), dy = /^\d/.test(y[i]);
      if (dx && dy) {
        var nx = x[i].replace(/^0+/, ""), ny = y[i].replace(/^0+/, "");
        if (nx.length !== ny.length) return nx.length - ny.length;
        if (nx !== ny) return nx < ny ? -1 : 1;
        continue;
      }
      return x[i] < y[i] ? -1 : 1;
    }
    return x.length - y.length;
  }

  // base64Digits write small numbers in the data one character each, two
  // for 64 or more (sitegen/search.go): a list's runs, the key index's parts.
  var base64Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-";

  // loadRows decodes the page's rows from the data parts, or returns null
  // when a part is missing.
  function loadRows(meta, common) {
    var store = self.kpideskDrill || {};
    var parts = [];
    for (var i = 0; i < meta.parts.length; i++) {
      var p = own(store, meta.parts[i]);
      if (!p) return null;
      parts.push(p);
    }
    var starts = [], n = 0;
    parts.forEach(function (p) {
      starts.push(n);
      n += p.r.length;
      // The position in p.m of each of the page's metrics, -1 if none.
      p.cols = meta.metrics.map(function (id) { return p.m.indexOf(id); });
      p.toks = p.q.map(function (q) { return q.split(" "); });
    });
    // The rows' positions (sitegen/drill_page.go listRefs): refs are
    // differences, [d, n] standing for n of d; or seq names, for each
    // row, the run of merge it is the next of.
    var positions = [], at = 0;
    if (meta.seq) {
      var cur = meta.merge.map(function (r) { return r[0]; }), w = meta.merge.length > 64 ? 2 : 1;
      for (var s = 0; s < meta.seq.length; s += w) {
        var run = 0;
        for (var q = 0; q < w; q++) run = run * 64 + base64Digits.indexOf(meta.seq.charAt(s + q));
        positions.push(cur[run]++);
      }
    } else {
      meta.refs.forEach(function (r) {
        if (typeof r === "number") positions.push(at += r);
        else for (var q = 0; q < r[1]; q++) positions.push(at += r[0]);
      });
    }
    var rows = [], j = 0;
    for (var k = 0; k < positions.length; k++) {
      at = positions[k];
      while (j + 1 < parts.length && at >= starts[j + 1]) j++;
      while (j > 0 && at < starts[j]) j--;
      var part = parts[j], raw = part.r[at - starts[j]];
      if (!raw) return null;
      rows.push(decodeRow(meta, common, part, raw, k, rowKeys(part)[at - starts[j]]));
    }
    return rows;
  }

  // rowKeys are a part's keys: a number d in a row stands for the part's
  // key prefix p and the previous numbered row's number plus d
  // (sitegen/drill_data.go). Decoded once a part, for the list and the
  // search box alike.
  function rowKeys(part) {
    if (!part.keys) {
      var n = 0;
      part.keys = part.r.map(function (raw) {
        if (typeof raw[0] !== "number") return String(raw[0]);
        n += raw[0];
        return String(part.p || "") + n;
      });
    }
    return part.keys;
  }

  function decodeRow(meta, common, part, raw, order, key) {
    var url = raw[2] === 1 ? part.u + key : (typeof raw[2] === "string" ? raw[2] : "");
    var toks = part.toks[raw[6]], values = raw[7] || [];
    // Measured values are taken in the order of the part's metrics.
    var valueAt = {}, vi = 0;
    toks.forEach(function (t, i) { if (t.charAt(0) === "v") valueAt[i] = values[vi++]; });
    var cells = part.cols.map(function (c, i) {
      if (c < 0 || toks[c] === "-") return null;
      var t = toks[c], tilde = t.indexOf("~");
      var code = tilde < 0 ? t : t.slice(0, tilde);
      var why = tilde < 0 ? "" : (own(part.x, common.lang) || [])[parseInt(t.slice(tilde + 1), 10)] || "";
      var m = own(common.metrics, meta.metrics[i]) || { codes: {} }, cell = { code: code, why: why, value: null };
      if (code === "v") {
        cell.value = valueAt[c];
        cell.text = m.dur ? duration(cell.value, common.labels) : number(cell.value);
        cell.cls = "";
      } else if (code === "o") {
        cell.text = why;
        cell.why = "";
        cell.cls = "other";
      } else {
        var tc = own(m.codes, code === "a" ? "x" : code) || [code, "other"];
        cell.text = tc[0];
        cell.cls = tc[1];
      }
      return cell;
    });
    var at = typeof raw[3] === "number" ? raw[3] : null;
    var done = at !== null && typeof raw[4] === "number" ? at + raw[4] : null;
    var created = at === null ? ["", ""] : wallTime(meta.month, at);
    var resolved = done === null ? ["", ""] : wallTime(meta.month, done);
    var fi = typeof raw[8] === "number" ? raw[8] : -1;
    var f = (fi >= 0 && (own(part.f, common.lang) || [])[fi]) || ["", "", ""];
    return {
      order: order,
      key: key,
      title: String(raw[1] || ""),
      url: httpURL(url),
      created: created[0], createdAt: created[1], at: at,
      resolved: resolved[0], resolvedAt: resolved[1], done: done,
      open: done === null,
      priority: String(f[0] || ""), rank: fi >= 0 && part.k ? part.k[fi] : 9,
      channel: String(f[1] || ""),
      category: String(f[2] || ""),
      assignee: raw[5] >= 0 ? own(common.agents, part.a[raw[5]]) || String(part.a[raw[5]]) : "",
      marks: raw[9] || [],
      cells: cells,
      search: (key + " " + String(raw[1] || "")).toLowerCase()
    };
  }

  function td(tr, text, cls) {
    var el = document.createElement("td");
    if (cls) el.className = cls;
    if (text !== undefined) el.textContent = text;
    tr.appendChild(el);
    return el;
  }

  function renderRow(meta, L, r) {
    var tr = document.createElement("tr");
    var key = td(tr, undefined, "key");
    if (r.url) {
      var a = document.createElement("a");
      a.setAttribute("href", r.url);
      a.textContent = r.key;
      key.appendChild(a);
    } else {
      key.textContent = r.key;
    }
    r.marks.forEach(function (mk) {
      var kind = mk.charAt(0), id = mk.slice(1);
      var b = document.createElement("a");
      b.className = "badge appeal";
      b.setAttribute("href", meta.appeals + "#" + encodeURIComponent(id));
      b.textContent = printf(L["drill.appeal." + kind] || "%s", [id]);
      key.appendChild(b);
    });
    td(tr, r.title, "title");
    var c = td(tr, r.created || "—", "nowrap");
    if (r.createdAt) c.setAttribute("title", r.createdAt);
    var d = td(tr, r.resolved || "—", "nowrap");
    if (r.resolvedAt) d.setAttribute("title", r.resolvedAt);
    td(tr, L[r.open ? "drill.status.open" : "drill.status.resolved"], r.open ? "status-open" : "status-resolved");
    td(tr, r.priority || "—");
    td(tr, r.channel || "—");
    td(tr, r.category || "—");
    td(tr, r.assignee || "—");
    r.cells.forEach(function (c) {
      var cell = td(tr);
      if (!c) return;
      if (!c.cls) {
        cell.textContent = c.text;
        return;
      }
      var i = document.createElement("i");
      i.className = c.cls;
      i.textContent = c.text;
      cell.appendChild(i);
      if (!c.why) return;
      if (c.code === "x" || c.code === "a" || c.code === "p") {
        var why = document.createElement("span");
        why.className = "why";
        why.textContent = c.why;
        cell.appendChild(why);
      } else {
        i.setAttribute("title", c.why);
      }
    });
    return tr;
  }

  // matches reports whether a row's outcome in one metric (a cell) passes
  // the outcome filter; "" passes any outcome.
  function passes(c, outcome) {
    if (!c) return false;
    switch (outcome) {
      case "": return true;
      case "counted": return c.code === "h" || c.code === "m" || c.code === "c" || c.code === "v";
      case "miss": return c.cls === "miss";
      case "pending": return c.code === "p";
      case "excluded": return c.code === "x" || c.code === "a";
      case "appeal": return c.code === "a";
    }
    return false;
  }

  function sortValue(r, key, col) {
    switch (key) {
      case "key": case "title": case "assignee": case "channel": case "category": return r[key] || "~";
      case "created": return r.at === null ? [1, 0] : [0, r.at];
      case "resolved": return r.done === null ? [1, 0] : [0, r.done];
      case "status": return r.open ? 0 : 1;
      case "priority": return r.rank;
    }
    var c = r.cells[col];
    if (!c) return [9, 0];
    if (c.code === "v") return [0, c.value];
    return [1, outcomeRank[c.cls] !== undefined ? outcomeRank[c.cls] : 6];
  }

  function compareValues(a, b) {
    if (Array.isArray(a)) return a[0] - b[0] || a[1] - b[1];
    if (typeof a === "number") return a - b;
    return naturalCompare(a, b);
  }

  function drill() {
    var table = document.querySelector("table[data-drill]");
    if (!table) return;
    var src = document.getElementById(table.getAttribute("data-drill"));
    if (!src) return;
    var meta = JSON.parse(src.textContent);
    var common = own(self.kpideskDrill, "common");
    if (!common) return;
    var L = common.labels;
    var rows = loadRows(meta, common);
    if (!rows) return; // a data file did not load: keep the rows the page has
    var card = table.closest(".card") || document;
    var tools = card.querySelector(".drill-tools");
    var q = card.querySelector(".drill-q"), selMetric = card.querySelector(".drill-metric");
    var selOutcome = card.querySelector(".drill-outcome"), count = card.querySelector(".drill-count");
    var pager = card.querySelector(".pager"), pos = card.querySelector(".drill-pos");
    var prev = card.querySelector(".drill-prev"), next = card.querySelector(".drill-next");
    var nojs = card.querySelector(".drill-nojs");
    var tbody = table.tBodies[0];
    var ids = meta.metrics;
    // The metric filter's choices are the metric columns, named as their
    // heads are (the page does not repeat them).
    table.querySelectorAll("th[data-col]").forEach(function (th) {
      var o = document.createElement("option");
      o.value = th.getAttribute("data-col");
      o.textContent = th.textContent;
      selMetric.appendChild(o);
    });
    var state = { metric: "", outcome: "", q: "", sort: "", desc: false, page: 0 };
    var shown = rows;

    function apply() {
      var col = ids.indexOf(state.metric);
      var needle = state.q.toLowerCase();
      shown = rows.filter(function (r) {
        if (needle && r.search.indexOf(needle) < 0) return false;
        if (col >= 0) return passes(r.cells[col], state.outcome);
        if (state.outcome === "") return true;
        return r.cells.some(function (c) { return passes(c, state.outcome); });
      });
      if (state.sort) {
        var sc = ids.indexOf(state.sort), dir = state.desc ? -1 : 1;
        shown.sort(function (a, b) {
          return dir * compareValues(sortValue(a, state.sort, sc), sortValue(b, state.sort, sc)) || a.order - b.order;
        });
      }
      var pages = Math.max(1, Math.ceil(shown.length / meta.pageRows));
      if (state.page >= pages) state.page = pages - 1;
      if (state.page < 0) state.page = 0;
      var from = state.page * meta.pageRows, to = Math.min(shown.length, from + meta.pageRows);
      var frag = document.createDocumentFragment();
      for (var i = from; i < to; i++) frag.appendChild(renderRow(meta, L, shown[i]));
      if (shown.length === 0) {
        var tr = document.createElement("tr");
        tr.className = "nomatch";
        var cell = td(tr, L["drill.nomatch"], "muted");
        cell.setAttribute("colspan", String(6 + ids.length));
        frag.appendChild(tr);
      }
      tbody.replaceChildren(frag);
      count.textContent = printf(L["drill.shown"], [shown.length]);
      pos.textContent = shown.length ? printf(L["drill.page"], [from + 1, to, shown.length]) : "";
      prev.disabled = state.page === 0;
      next.disabled = to >= shown.length;
      pager.hidden = shown.length <= meta.pageRows;
      table.querySelectorAll("th[data-sort]").forEach(function (th) {
        var k = th.getAttribute("data-sort");
        if (k === state.sort) {
          th.setAttribute("aria-sort", state.desc ? "descending" : "ascending");
        } else {
          th.removeAttribute("aria-sort");
        }
        th.classList.toggle("active", th.getAttribute("data-col") === state.metric && state.metric !== "");
      });
      card.querySelectorAll(".chips a").forEach(function (a) {
        a.classList.toggle("active", a.getAttribute("href").slice(1) === state.metric);
      });
      selMetric.value = state.metric;
      selOutcome.value = state.outcome;
    }

    // #metric shows the complaints counted in that metric, as its chip
    // counts them; a fragment that names no metric shows every row.
    function fromHash() {
      var m = hashText();
      if (m.indexOf("key=") === 0) {
        showKey(m.slice(4));
        return;
      }
      if (ids.indexOf(m) < 0) m = "";
      state.metric = m;
      state.outcome = m ? "counted" : "";
      state.page = 0;
      apply();
    }

    // #key=KEY (the search box links a ticket so) shows every row in the
    // page's order, at the page that holds the ticket's row, marked and
    // focused. A key the list does not hold (beyond its cap) goes into
    // the list's search, which then says that nothing matches.
    function showKey(key) {
      state.metric = state.outcome = state.sort = "";
      state.desc = false;
      state.q = q.value = "";
      var at = -1;
      for (var i = 0; i < rows.length; i++) {
        if (rows[i].key === key) { at = i; break; }
      }
      if (at < 0) {
        state.q = q.value = key;
        state.page = 0;
        apply();
        return;
      }
      state.page = Math.floor(at / meta.pageRows);
      apply();
      var tr = tbody.rows[at - state.page * meta.pageRows];
      if (!tr) return;
      tr.classList.add("target");
      tr.setAttribute("tabindex", "-1");
      tr.scrollIntoView({ block: "center" });
      tr.focus({ preventScroll: true });
    }

    table.querySelectorAll("th[data-sort]").forEach(function (th) {
      var label = th.textContent;
      th.textContent = "";
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort";
      b.textContent = label;
      b.addEventListener("click", function () {
        var k = th.getAttribute("data-sort");
        if (state.sort === k) {
          state.desc = !state.desc;
        } else {
          state.sort = k;
          state.desc = false;
        }
        state.page = 0;
        apply();
      });
      th.appendChild(b);
    });
    q.addEventListener("input", function () { state.q = q.value.trim(); state.page = 0; apply(); });
    selMetric.addEventListener("change", function () { state.metric = selMetric.value; state.page = 0; apply(); });
    selOutcome.addEventListener("change", function () { state.outcome = selOutcome.value; state.page = 0; apply(); });
    prev.addEventListener("click", function () { state.page--; apply(); });
    next.addEventListener("click", function () { state.page++; apply(); });
    window.addEventListener("hashchange", fromHash);
    tools.hidden = false;
    if (nojs) nojs.hidden = true;
    fromHash();
  }

  // The search box of every page (issue 15 §4, sitegen/search.go): units
  // by name or ID, tickets by key or title. Its index is data files that
  // it injects with <script src> on first use (file:// allows no fetch):
  // the units and the tickets' manifest on focus, then the drill-down data
  // parts a query needs: those whose key ranges may hold a key, and for
  // titles the newest parts up to a budget of rows, which "more" raises.
  // A ticket listed in several months shows once, from the newest. Every
  // string from the data reaches the DOM as text; ticket links are http(s)
  // only. Enter opens the first result, Esc closes the list, the arrow
  // keys move through it.
  var searchShown = 8, searchTickets = 20, searchBudget = 30000;

  function search() {
    var form = document.querySelector("form[data-search]");
    if (!form) return;
    if (!form.querySelector("input")) {
      // The page carries only the form and its words (layout.html).
      var label = document.createElement("label");
      label.className = "vh";
      label.htmlFor = "site-search";
      label.textContent = form.getAttribute("data-label") || "";
      var field = document.createElement("input");
      field.id = "site-search";
      field.type = "search";
      field.placeholder = form.getAttribute("data-hint") || "";
      field.autocomplete = "off";
      field.spellcheck = false;
      field.setAttribute("aria-controls", "site-search-results");
      field.setAttribute("aria-expanded", "false");
      var results = document.createElement("div");
      results.className = "search-results";
      results.id = "site-search-results";
      results.setAttribute("aria-live", "polite");
      results.hidden = true;
      form.appendChild(label);
      form.appendChild(field);
      form.appendChild(results);
    }
    var input = form.querySelector("input"), out = form.querySelector(".search-results");
    var root = form.getAttribute("data-root") || "", assets = form.getAttribute("data-assets") || "";
    var dir = "data/search/";
    var state = {}, lower = {}, seq = 0, timer = 0, budget = searchBudget, step = 0, openFirst = false;
    form.hidden = false;

    function data(key) { return own(self.kpideskDrill, key); }

    function load(src, done) {
      var st = own(state, src);
      if (st === true) { done(); return; }
      if (st) { st.push(done); return; }
      state[src] = [done];
      var el = document.createElement("script");
      el.src = src;
      el.onload = el.onerror = function () {
        var fns = state[src];
        state[src] = true;
        fns.forEach(function (f) { f(); });
      };
      document.head.appendChild(el);
    }

    function loadAll(srcs, done) {
      var n = srcs.length;
      if (!n) { done(); return; }
      srcs.forEach(function (src) { load(src, function () { if (--n === 0) done(); }); });
    }

    function ensure(done) {
      loadAll([root + dir + "units.js", assets + dir + "tickets.js"], done);
    }

    function units(U, needle) {
      var first = [], rest = [];
      U.u.forEach(function (u) {
        var name = String(u[2]).toLowerCase(), id = String(u[1]).toLowerCase();
        if (name.indexOf(needle) === 0 || id.indexOf(needle) === 0) first.push(u);
        else if (name.indexOf(needle) >= 0 || id.indexOf(needle) >= 0) rest.push(u);
      });
      return first.concat(rest).slice(0, searchShown);
    }

    // shards picks the parts a query reads: for titles, the newest within
    // the budget; for a key ("SD-12") beyond it, the months some part's
    // ranges may hold it in, whose key index (keyParts) names the part.
    function shards(T, needle) {
      var m = /^(.*?)(\d+)$/.exec(needle), pick = [], months = [], scan = [], n = 0, rest = 0;
      T.s.forEach(function (sh) {
        var byKey = m && sh[3].some(function (r) {
          var num = parseInt(m[2], 10);
          return r[0] === m[1] && r[1] <= num && num <= r[2];
        });
        if (n < budget) {
          n += sh[2];
          pick.push(sh);
          return;
        }
        if (sh[4] === 1) {
          scan.push(sh); // keys without a number: read them all
          return;
        }
        rest += sh[2];
        if (byKey && months.indexOf(sh[1]) < 0) months.push(sh[1]);
      });
      return { pick: pick.concat(scan), months: months, key: m ? [m[1], parseInt(m[2], 10)] : null, rest: rest };
    }

    // keyParts adds to sel.pick the parts of sel.months that hold the key,
    // from each month's key index (sitegen/search.go searchKeyIndex), in
    // the manifest's order, and calls done.
    function keyParts(T, sel, done) {
      if (!sel.months.length) { done(); return; }
      loadAll(sel.months.map(function (mo) { return assets + dir + "keys-" + mo + ".js"; }), function () {
        sel.months.forEach(function (mo) {
          var K = data("search:keys:" + mo), parts = T.s.filter(function (sh) { return sh[1] === mo; });
          var want = [];
          if (!K) {
            want = parts; // no index: every part of the month
          } else {
            (K.k || []).forEach(function (run) {
              var w = run[2], i = (sel.key[1] - run[1]) * w;
              if (run[0] !== sel.key[0] || i < 0 || i >= run[3].length) return;
              var c = run[3].substr(i, w), at = 0;
              if (c.charAt(0) === ".") return;
              for (var q = 0; q < w; q++) at = at * 64 + base64Digits.indexOf(c.charAt(q));
              if (parts[at]) want.push(parts[at]);
            });
            (K.x || []).forEach(function (x) {
              if (x[0] === sel.key[0] && x[1] === sel.key[1] && parts[x[2]]) want.push(parts[x[2]]);
            });
          }
          want.forEach(function (sh) {
            if (sel.pick.indexOf(sh) >= 0) return;
            sel.pick.push(sh);
            sel.rest -= sh[2];
          });
        });
        // Newest month first, as the manifest: a ticket shows from there.
        sel.pick.sort(function (a, b) { return T.s.indexOf(a) - T.s.indexOf(b); });
        done();
      });
    }

    // pageOf is the drill-down page (from a language's root) that lists
    // row i of a part: the manifest's exception for the row, else its
    // assignee's page, else its team's; "" for none.
    function pageOf(T, sh, P, i) {
      var ex = sh[7] || [];
      for (var j = 0; j < ex.length; j++) {
        if (ex[j][0] === i) return ex[j][1] >= 0 ? String(T.p[ex[j][1]]) : "";
      }
      var a = P.r[i][5];
      var p = typeof a === "number" && a >= 0 && sh[6][a] >= 0 ? sh[6][a] : sh[5];
      return p >= 0 ? String(T.p[p]) : "";
    }

    // tickets matches the picked parts' rows, newest month first, each key
    // once.
    function tickets(T, pick, needle) {
      var exact = [], prefix = [], titles = [], seen = {};
      pick.forEach(function (sh) {
        var P = data(sh[0]);
        if (!P || !P.r) return;
        var lc = own(lower, sh[0]);
        if (!lc) {
          var keys = rowKeys(P);
          lc = lower[sh[0]] = P.r.map(function (r, i) { return [keys[i].toLowerCase(), String(r[1] || "").toLowerCase()]; });
        }
        for (var i = 0; i < P.r.length; i++) {
          var k = lc[i][0], list = null;
          if (own(seen, "k" + k)) continue;
          if (k === needle) list = exact;
          else if (k.indexOf(needle) === 0) list = prefix;
          else if (titles.length < searchTickets && lc[i][1].indexOf(needle) >= 0) list = titles;
          if (!list) continue;
          seen["k" + k] = true;
          list.push({ key: rowKeys(P)[i], title: String(P.r[i][1] || ""), url: P.r[i][2], u: P.u, page: pageOf(T, sh, P, i) });
        }
      });
      return exact.concat(prefix, titles).slice(0, searchTickets);
    }

    function el(tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text !== undefined) e.textContent = text;
      return e;
    }

    function show(on) {
      out.hidden = !on;
      input.setAttribute("aria-expanded", on ? "true" : "false");
    }

    function render(U, found, hits, rest) {
      var L = U.l, frag = document.createDocumentFragment();
      if (found.length) {
        frag.appendChild(el("p", "search-head", L["search.units"]));
        var ul = el("ul");
        found.forEach(function (u) {
          var li = el("li"), a = el("a", "", u[2]);
          a.setAttribute("href", root + u[3]);
          li.appendChild(a);
          li.appendChild(el("span", "muted small", " " + (own(U.k, u[0]) || u[0]) + " · " + u[1]));
          ul.appendChild(li);
        });
        frag.appendChild(ul);
      }
      if (hits === null) {
        frag.appendChild(el("p", "muted small", L["search.loading"]));
      } else if (hits.length) {
        frag.appendChild(el("p", "search-head", L["search.tickets"]));
        var tl = el("ul");
        hits.forEach(function (h) {
          var key = h.key, link = h.url;
          var url = httpURL(link === 1 ? String(h.u) + key : (typeof link === "string" ? link : ""));
          var page = h.page;
          var li = el("li");
          var main = el(page || url ? "a" : "span", "key", key);
          if (page) {
            main.setAttribute("href", root + page + "#key=" + encodeURIComponent(key));
            main.setAttribute("title", L["search.row"]);
          } else if (url) {
            main.setAttribute("href", url);
          }
          li.appendChild(main);
          li.appendChild(el("span", "search-title", " " + h.title));
          if (page && url) {
            var ext = el("a", "ext", "↗");
            ext.setAttribute("href", url);
            ext.setAttribute("title", L["search.open"]);
            ext.setAttribute("aria-label", L["search.open"] + " " + key);
            li.appendChild(ext);
          }
          tl.appendChild(li);
        });
        frag.appendChild(tl);
      }
      if (hits !== null && rest > 0) {
        var more = el("button", "search-more", printf(L["search.more"], [rest]));
        more.type = "button";
        more.addEventListener("click", function () {
          budget += step || searchBudget;
          input.focus();
          run();
        });
        frag.appendChild(more);
      }
      if (hits !== null && !found.length && !hits.length) frag.appendChild(el("p", "muted", L["search.none"]));
      out.replaceChildren(frag);
      show(true);
      if (hits !== null && openFirst) {
        openFirst = false;
        var a = out.querySelector("a[href]");
        if (a) location.href = a.href;
      }
    }

    function run() {
      clearTimeout(timer);
      timer = 0;
      var my = ++seq, needle = input.value.trim().toLowerCase();
      if (!needle) {
        out.replaceChildren();
        show(false);
        return;
      }
      ensure(function () {
        var U = data("search:units"), T = data("search:tickets");
        if (my !== seq || !U) return;
        if (T && T.b > 0 && !step) budget = step = T.b;
        var found = units(U, needle), sel = T ? shards(T, needle) : { pick: [], months: [], rest: 0 };
        render(U, found, null, 0);
        keyParts(T, sel, function () {
          if (my !== seq) return;
          loadAll(sel.pick.map(function (sh) { return assets + String(T.d) + sh[0] + ".js"; }), function () {
            if (my === seq) render(U, found, tickets(T, sel.pick, needle), sel.rest);
          });
        });
      });
    }

    function links() { return Array.prototype.slice.call(out.querySelectorAll("a[href], button")); }

    input.addEventListener("focus", function () { ensure(function () {}); }, { once: true });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault(); // form-action 'none': the list is the answer
      var a = !timer && !out.hidden && out.querySelector("a[href]");
      if (a) {
        location.href = a.href;
      } else {
        openFirst = true;
        run();
      }
    });
    form.addEventListener("keydown", function (e) {
      var ls = links(), i = ls.indexOf(document.activeElement);
      if (e.key === "Escape") {
        show(false);
        input.focus();
        e.preventDefault();
      } else if (e.key === "ArrowDown" && ls.length) {
        show(true);
        ls[Math.min(i + 1, ls.length - 1)].focus();
        e.preventDefault();
      } else if (e.key === "ArrowUp" && i >= 0) {
        (i === 0 ? input : ls[i - 1]).focus();
        e.preventDefault();
      }
    });
    document.addEventListener("click", function (e) {
      if (!form.contains(e.target)) show(false);
    });
  }

  function start() {
    startCharts();
    sortable();
    drill();
    search();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* 好人榜 filters and the site search. Plain ES5 so old phones run it; each part starts only on its own page.
   Without this script the honour wall lists everyone by category, and the search page explains what to do. */
(function () {
  "use strict";

  /* ---- 好人榜: filter the cards by category and level ---- */
  function honourWall() {
    var panel = document.querySelector("[data-honour-filters]");
    if (!panel) { return; }
    var chosen = { category: "", level: "" };
    var buttons = panel.querySelectorAll("button[data-filter]");
    var cards = document.querySelectorAll(".honour-card");
    var groups = document.querySelectorAll(".honour-group");
    var count = panel.querySelector("[data-honour-count]");
    var empty = document.querySelector("[data-honour-empty]");
    function apply() {
      var shown = 0, i, card, fits;
      for (i = 0; i < cards.length; i++) {
        card = cards[i];
        fits = (!chosen.category || card.getAttribute("data-category") === chosen.category) &&
               (!chosen.level || card.getAttribute("data-level") === chosen.level);
        card.hidden = !fits;
        if (fits) { shown++; }
      }
      for (i = 0; i < groups.length; i++) {
        groups[i].hidden = !groups[i].querySelector(".honour-card:not([hidden])");
      }
      for (i = 0; i < buttons.length; i++) {
        var b = buttons[i];
        b.setAttribute("aria-pressed", chosen[b.getAttribute("data-filter")] === b.getAttribute("data-value") ? "true" : "false");
      }
      count.textContent = "显示 " + shown + " 位，共 " + cards.length + " 位";
      empty.hidden = shown > 0;
    }
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        chosen[this.getAttribute("data-filter")] = this.getAttribute("data-value");
        apply();
      });
    }
    panel.hidden = false;
    apply();
  }

  /* ---- Search: the same tokens, shards and number coding as generator/search.py ---- */
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  var PAGE = 10;  // results per page
  var CHECK_ALL = 30;  // up to this many candidates are all read at once, so the count shown is exact
  var imul = Math.imul || function (a, b) {
    var low = (a & 0xffff) * b;
    return ((((a >>> 16) * b) & 0xffff) << 16) + low | 0;
  };

  function normalise(text) {
    return (text.normalize ? text.normalize("NFKC") : text).toLowerCase();
  }

  function tokens(text) {
    var runs = normalise(text).match(/[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+/g) || [];
    var found = [], seen = {}, i, j, t;
    for (i = 0; i < runs.length; i++) {
      if (!HAN.test(runs[i])) {
        t = [runs[i]];
      } else {
        t = [];
        for (j = 0; j + 1 < runs[i].length; j++) { t.push(runs[i].substr(j, 2)); }
      }
      for (j = 0; j < t.length; j++) {
        if (!seen[t[j]]) { seen[t[j]] = true; found.push(t[j]); }
      }
    }
    return found;
  }

  function shardOf(token, shards) {
    var h = 0x811c9dc5;
    for (var i = 0; i < token.length; i++) { h = imul(h ^ token.charCodeAt(i), 0x01000193) >>> 0; }
    return h % shards;
  }

  function decode(text) {
    var found = [], value = 0, shift = 0, doc = 0, digit;
    for (var i = 0; i < text.length; i++) {
      digit = DIGITS.indexOf(text.charAt(i));
      value += (digit & 31) * Math.pow(2, shift);
      shift += 5;
      if (digit < 32) {
        doc += Math.floor(value / 8);
        found.push([doc, value % 8]);
        value = 0; shift = 0;
      }
    }
    return found;
  }

  /* GET a JSON file once: later and concurrent callers share the same request and its result. */
  function getJSON(url, cache, done) {
    var entry = cache[url];
    if (entry && entry.data) { done(null, entry.data); return; }
    if (entry) { entry.waiting.push(done); return; }
    entry = cache[url] = { waiting: [done] };
    function finish(err, data) {
      var waiting = entry.waiting;
      entry.waiting = [];
      if (err) { delete cache[url]; } else { entry.data = data; }
      for (var i = 0; i < waiting.length; i++) { waiting[i](err, data); }
    }
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.onload = function () {
      var data;
      if (xhr.status !== 200) { finish(xhr.status); return; }
      try { data = JSON.parse(xhr.responseText); } catch (e) { finish(e); return; }
      finish(null, data);
    };
    xhr.onerror = function () { finish("network"); };
    xhr.send();
  }

  /* Fetch several JSON files at once; call back with them in order (or the first error). */
  function getAll(urls, cache, done) {
    var results = [], left = urls.length, failed = false;
    if (!left) { done(null, results); return; }
    urls.forEach(function (url, i) {
      getJSON(url, cache, function (err, data) {
        if (failed) { return; }
        if (err) { failed = true; done(err); return; }
        results[i] = data;
        if (--left === 0) { done(null, results); }
      });
    });
  }

  /* Documents holding every term, best first: title hits and repeated mentions weigh more; ties keep index order. */
  function rank(terms, shardFiles, shards) {
    var scores = null, i, j, list, next;
    for (i = 0; i < terms.length; i++) {
      list = decode(shardFiles[shardOf(terms[i], shards)][terms[i]] || "");
      next = {};
      for (j = 0; j < list.length; j++) {
        if (scores === null || scores.hasOwnProperty(list[j][0])) {
          next[list[j][0]] = (scores === null ? 0 : scores[list[j][0]]) + list[j][1];
        }
      }
      scores = next;
    }
    var docs = Object.keys(scores || {}).map(Number);
    docs.sort(function (a, b) { return scores[b] - scores[a] || a - b; });
    return docs;
  }

  /* A short passage around the first match, with every query word marked (else every term: the words may be apart). */
  function excerpt(doc, phrases, terms) {
    var words = phrases.filter(function (w) { return doc.x.toLowerCase().indexOf(w) >= 0; });
    if (!words.length) { words = terms; }
    var text = doc.x.slice(doc.x.indexOf("\n") + 1).replace(/\s+/g, " ");
    var lower = text.toLowerCase(), at = -1, i;
    for (i = 0; i < words.length && at < 0; i++) { at = lower.indexOf(words[i]); }
    var start = Math.max(0, at - 20), end = Math.min(text.length, Math.max(at, 0) + 60);
    var p = document.createElement("p");
    p.className = "search-excerpt";
    var piece = text.slice(start, end), pieceLower = lower.slice(start, end), pos = 0;
    if (start > 0) { p.appendChild(document.createTextNode("…")); }
    while (pos < piece.length) {
      var hit = -1, len = 0;
      for (i = 0; i < words.length; i++) {
        var k = pieceLower.indexOf(words[i], pos);
        if (k >= 0 && (hit < 0 || k < hit)) { hit = k; len = words[i].length; }
      }
      if (hit < 0) { p.appendChild(document.createTextNode(piece.slice(pos))); break; }
      p.appendChild(document.createTextNode(piece.slice(pos, hit)));
      var mark = document.createElement("mark");
      mark.textContent = piece.slice(hit, hit + len);
      p.appendChild(mark);
      pos = hit + len;
    }
    if (end < text.length) { p.appendChild(document.createTextNode("…")); }
    return p;
  }

  /* Does a document really hold every word? Bigrams can match apart (老人…人送 for 老人送): its text settles it. */
  function holds(doc, words) {
    var text = normalise(doc.t + "\n" + doc.x);
    for (var i = 0; i < words.length; i++) {
      if (text.indexOf(words[i]) < 0) { return false; }
    }
    return true;
  }

  /* True when the index alone answers exactly: every word is one whole term (志愿, 2024), nothing to check. */
  function exact(words) {
    for (var i = 0; i < words.length; i++) {
      var t = tokens(words[i]);
      if (t.length !== 1 || t[0] !== words[i]) { return false; }
    }
    return true;
  }

  function now() { return window.performance && performance.now ? performance.now() : new Date().getTime(); }

  function search() {
    var app = document.getElementById("search-app");
    var form = document.querySelector(".search-form");
    if (!app || !form) { return; }
    var base = app.getAttribute("data-index"), root = app.getAttribute("data-root");
    var input = form.querySelector("input[name=q]");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var more = document.getElementById("search-more");
    var cache = {}, run = 0, started = 0;
    var q = { text: "", words: [], terms: [], queue: [], checked: true };  // the query being shown

    function say(text, state) {
      status.textContent = text;
      app.setAttribute("data-state", state);
      if (state === "done") { app.setAttribute("data-ms", String(Math.round(now() - started))); }
    }
    function docUrls(ids) { return ids.map(function (id) { return base + "d/" + id + ".json"; }); }
    function failed() { say("搜索暂时不可用，请稍后再试。", "error"); }

    /* Candidate documents for the terms, best first: meta.json says how many shards, each term lives in one. */
    function lookup(ticket, done) {
      getJSON(base + "meta.json", cache, function (err, meta) {
        if (ticket !== run) { return; }
        if (err) { failed(); return; }
        var needed = [], seen = {};
        q.terms.forEach(function (t) {
          var s = shardOf(t, meta.shards);
          if (!seen[s]) { seen[s] = true; needed.push(s); }
        });
        getAll(needed.map(function (s) { return base + "s/" + s + ".json"; }), cache, function (err2, files) {
          if (ticket !== run) { return; }
          if (err2) { failed(); return; }
          var byShard = {};
          needed.forEach(function (s, i) { byShard[s] = files[i]; });
          done(rank(q.terms, byShard, meta.shards));
        });
      });
    }

    function add(doc) {
      var li = document.createElement("li"), h = document.createElement("h2"), a = document.createElement("a");
      a.href = root + doc.u;
      a.textContent = doc.t;
      h.appendChild(a);
      li.appendChild(h);
      li.appendChild(excerpt(doc, q.words, q.terms));
      list.appendChild(li);
    }

    /* Show the next page of results; unchecked candidates that do not hold the words are skipped. */
    function showMore(ticket, added) {
      var batch = q.queue.splice(0, PAGE - added);
      more.hidden = true;
      getAll(docUrls(batch), cache, function (err, docs) {
        if (ticket !== run) { return; }
        if (err) { failed(); return; }
        docs.forEach(function (doc) {
          if (q.checked || holds(doc, q.words)) { add(doc); added++; }
        });
        if (added < PAGE && q.queue.length) { showMore(ticket, added); return; }
        more.hidden = !q.queue.length;
        if (!list.firstChild) { say("没有找到含有“" + q.text + "”的文章，换个词试试。", "done"); return; }
        say(status.textContent, "done");
      });
    }

    function found(ticket, ids) {
      q.queue = ids;
      if (!ids.length) { say("没有找到含有“" + q.text + "”的文章，换个词试试。", "done"); return; }
      say((q.checked ? "找到 " : "找到约 ") + ids.length + " 篇含有“" + q.text + "”的文章。", "busy");
      showMore(ticket, 0);
    }

    function go(text) {
      var ticket = ++run;
      started = now();
      list.innerHTML = "";
      more.hidden = true;
      q = { text: text, words: normalise(text).split(/\s+/).filter(function (w) { return w.length > 0; }),
            terms: tokens(text), queue: [], checked: true };
      if (!q.words.length) { say("", "idle"); return; }
      if (!q.terms.length) { say("请输入两个字以上的词，例如“志愿”。", "done"); return; }
      say("正在搜索……", "busy");
      q.checked = exact(q.words);
      lookup(ticket, function (ids) {
        if (q.checked || ids.length > CHECK_ALL) { found(ticket, ids); return; }
        // Few candidates: read them all now, so the count is exact.
        getAll(docUrls(ids), cache, function (err, docs) {
          if (ticket !== run) { return; }
          if (err) { failed(); return; }
          q.checked = true;
          found(ticket, ids.filter(function (id, i) { return holds(docs[i], q.words); }));
        });
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.replace(/^\s+|\s+$/g, "");
      if (window.history && history.replaceState) {
        history.replaceState(null, "", text ? "?q=" + encodeURIComponent(text) : location.pathname);
      }
      go(text);
    });
    more.addEventListener("click", function () { showMore(run, 0); });
    getJSON(base + "meta.json", cache, function () {});  // fetch the tiny index header while the reader types
    var param = /[?&]q=([^&]*)/.exec(location.search);
    if (param) {
      try { input.value = decodeURIComponent(param[1].replace(/\+/g, " ")); } catch (e) { input.value = ""; }
      go(input.value.replace(/^\s+|\s+$/g, ""));
    } else {
      app.setAttribute("data-state", "idle");
    }
  }

  honourWall();
  search();
})();

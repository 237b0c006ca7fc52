// Go Concurrency 101: theme toggle, mobile nav, copy buttons, search.
// Everything stays on this origin; pages also work opened from file://.
(function () {
  "use strict";
  var me = document.currentScript;
  var root = (me && me.dataset.root) || "";
  var doc = document.documentElement;

  // Theme: remembered in localStorage, defaulting to the system's.
  var toggle = document.querySelector(".theme-toggle");
  if (toggle) toggle.addEventListener("click", function () {
    var t = doc.dataset.theme === "dark" ? "light" : "dark";
    doc.dataset.theme = t;
    try { localStorage.setItem("theme", t); } catch (e) {}
  });

  // Mobile nav drawer.
  var navBtn = document.querySelector(".nav-toggle");
  function setNav(open) {
    document.body.classList.toggle("nav-open", open);
    if (navBtn) navBtn.setAttribute("aria-expanded", String(open));
  }
  if (navBtn) navBtn.addEventListener("click", function (e) {
    e.stopPropagation();
    setNav(!document.body.classList.contains("nav-open"));
  });
  document.addEventListener("click", function (e) {
    if (document.body.classList.contains("nav-open") && !e.target.closest(".nav")) setNav(false);
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") setNav(false); });

  // Copy buttons copy the code only: the textContent of <code>, never the output.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("button.copy");
    if (!btn) return;
    var code = btn.parentNode.querySelector("code");
    // A program built with file cells copies all of it (data-copy).
    var text = btn.hasAttribute("data-copy") ? btn.getAttribute("data-copy") : code ? code.textContent : "";
    function done(ok) {
      btn.textContent = ok ? "Copied" : "Failed";
      setTimeout(function () { btn.textContent = "Copy"; }, 1500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallback(text)); });
    } else {
      done(fallback(text));
    }
  });
  function fallback(text) {
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed"; ta.style.opacity = "0";
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) {}
    document.body.removeChild(ta);
    return ok;
  }

  // Search: the index is a script (search/search_index.js), loaded on first
  // use, because fetch is refused for file:// pages.
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  if (!input || !list) return;
  var loading = false, pending = null;
  function load(then) {
    if (window.bookSearchIndex) return then();
    pending = then; // what to do once the index is there (the latest wins)
    if (loading) return;
    loading = true;
    var s = document.createElement("script");
    s.src = root + "search/search_index.js";
    s.onload = function () { if (pending) pending(); };
    document.head.appendChild(s);
  }
  function esc(s) {
    return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }
  function search() {
    var q = input.value.trim().toLowerCase();
    list.innerHTML = "";
    if (!q) { list.hidden = true; return; }
    var terms = q.split(/[\s\-]+/).filter(Boolean);
    var hits = [];
    window.bookSearchIndex.docs.forEach(function (d) {
      var title = d.title.toLowerCase(), text = d.text.toLowerCase(), score = 0;
      for (var i = 0; i < terms.length; i++) {
        var inTitle = title.indexOf(terms[i]) >= 0, at = text.indexOf(terms[i]);
        if (!inTitle && at < 0) return;
        score += (inTitle ? 10 : 0) + (at >= 0 ? 1 : 0);
      }
      if (d.location.indexOf("#") >= 0) score += 0.5; // prefer the section
      hits.push({ d: d, score: score, at: text.indexOf(terms[0]) });
    });
    hits.sort(function (a, b) { return b.score - a.score; });
    hits.slice(0, 12).forEach(function (h) {
      var start = Math.max(0, h.at - 40);
      var snip = h.at >= 0 ? (start > 0 ? "…" : "") + h.d.text.substr(start, 120) + "…" : "";
      var li = document.createElement("li");
      li.innerHTML = '<a href="' + esc(root + h.d.location) + '"><b>' + esc(h.d.title) + "</b>" + esc(snip) + "</a>";
      list.appendChild(li);
    });
    if (!hits.length) list.innerHTML = '<li class="none">No results</li>';
    list.hidden = false;
  }
  input.addEventListener("focus", function () { load(function () {}); });
  input.addEventListener("input", function () { load(search); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { input.value = ""; list.hidden = true; }
    if (e.key === "Enter") { var a = list.querySelector("a"); if (a) location.href = a.href; }
  });
  document.addEventListener("click", function (e) { if (!e.target.closest(".search")) list.hidden = true; });
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && document.activeElement !== input) { e.preventDefault(); input.focus(); }
  });
})();

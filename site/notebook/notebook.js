// The notebook of go run ./cmd/site -serve: Edit, Run (Shift+Enter), Stop
// and Reset on every cell, Restart session per chapter. The server runs
// the code (POST /__run, the contract in site's package documentation);
// edits stay in this page and in localStorage, never in the chapter file.
(function () {
  "use strict";
  function meta(name) {
    var m = document.querySelector('meta[name="' + name + '"]');
    return m ? m.getAttribute("content") : "";
  }
  var token = meta("book-run-token"), chapter = meta("book-chapter");
  var specs = [];
  try { specs = JSON.parse(meta("book-cells") || "[]"); } catch (e) {}
  var boxes = document.querySelectorAll("article .cell");
  if (!token || !chapter) return;
  if (boxes.length !== specs.length) {
    console.warn("notebook: " + boxes.length + " cells in the page, " + specs.length + " in " + chapter + ": reload after the rebuild");
    return;
  }
  window.__bookRuns = []; // {cell, start, first, end}: performance.now() times, for the tests' measurements
  var cells = [], byName = {};
  var storeKey = function (name) { return "book-edit:" + chapter + ":" + name; };

  // --- highlighting: a tiny Go tokenizer giving chroma's class names ---
  var KW = /^(break|case|continue|default|defer|else|fallthrough|for|go|goto|if|range|return|select|switch)$/;
  var KD = /^(chan|const|func|interface|map|struct|type|var)$/;
  var KT = /^(bool|byte|complex64|complex128|error|float32|float64|int|int8|int16|int32|int64|rune|string|uint|uint8|uint16|uint32|uint64|uintptr|any|comparable)$/;
  var NB = /^(append|cap|clear|close|complex|copy|delete|imag|len|make|max|min|new|panic|print|println|real|recover|true|false|nil|iota)$/;
  var TOKEN = /(\/\/[^\n]*)|(\/\*[\s\S]*?(?:\*\/|$))|("(?:[^"\\\n]|\\.)*"?|`[^`]*`?|'(?:[^'\\\n]|\\.)*'?)|(\b\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?i?\b|\b0[xX][\da-fA-F_]+\b)|([A-Za-z_]\w*)|([^\w\s])/g;
  function esc(s) { return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }
  function highlight(code) {
    var out = "", last = 0, m, prev = "";
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(code)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      out += esc(code.slice(last, m.index));
      last = TOKEN.lastIndex;
      var cls = "";
      if (m[1]) cls = "c1";
      else if (m[2]) cls = "cm";
      else if (m[3]) cls = "s";
      else if (m[4]) cls = "m";
      else if (m[5]) {
        var w = m[5];
        cls = KW.test(w) ? "k" : KD.test(w) ? "kd" : w === "package" || w === "import" ? "kn" : KT.test(w) ? "kt" : NB.test(w) ? "nb" : prev === "func" ? "nf" : "";
        prev = w;
      } else cls = /[(){}\[\],;.]/.test(m[6]) ? "p" : "o";
      out += cls ? '<span class="' + cls + '">' + esc(m[0]) + "</span>" : esc(m[0]);
    }
    // A last empty line shows (the editor's caret goes there) and is not
    // text: copying the code copies the code.
    return out + esc(code.slice(last)) + (code.endsWith("\n") ? "<br>" : "");
  }

  // --- requests ---
  function post(path, body) {
    return fetch(path, { method: "POST", headers: { "Content-Type": "application/json", "X-Book-Token": token }, body: JSON.stringify(body) });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function button(label, title, fn) {
    var b = el("button", "nb-btn nb-" + label.toLowerCase().replace(/\s+/g, "-"), label);
    b.type = "button";
    b.title = title;
    b.addEventListener("click", fn);
    return b;
  }

  // --- a cell ---
  function Cell(box, spec) {
    this.box = box;
    this.name = spec.name;
    this.fragment = spec.fragment;
    this.code = box.querySelector(".highlight code");
    this.pre = box.querySelector(".highlight pre");
    this.original = this.code ? this.code.textContent : "";
    this.originalHTML = this.code ? this.code.innerHTML : "";
    this.originalResult = [];
    var hl = box.querySelector(".highlight");
    for (var n = hl ? hl.nextSibling : null; n; n = n.nextSibling) this.originalResult.push(n);
    this.originalHead = box.querySelector(".cell-head").innerHTML;
    this.originalClass = box.className;
    this.text = this.original;
    if (!spec.run || !this.code) return;
    box.dataset.cell = spec.name;
    var bar = this.bar = el("span", "nb-bar");
    this.status = el("span", "nb-status");
    bar.append(button("Edit", "Edit the code (kept in this browser, never written to the chapter)", this.edit.bind(this)),
      button("Run", "Run the code (Shift+Enter)", this.run.bind(this)),
      button("Stop", "Stop the run", this.stop.bind(this)),
      button("Reset", "Back to the chapter's code", this.reset.bind(this)), this.status);
    box.querySelector(".cell-head").append(bar);
    var saved = null;
    try { saved = localStorage.getItem(storeKey(this.name)); } catch (e) {}
    if (saved !== null && saved !== this.original) {
      this.setText(saved);
      this.box.classList.add("nb-edited");
    }
  }
  Cell.prototype.setText = function (text) {
    this.text = text;
    this.code.innerHTML = highlight(text);
    if (this.area && this.area.value !== text) this.area.value = text;
  };
  Cell.prototype.edit = function () {
    if (this.area) { this.area.focus(); return; }
    var self = this, area = el("textarea", "nb-editor");
    area.spellcheck = false;
    area.setAttribute("autocapitalize", "off");
    area.setAttribute("autocomplete", "off");
    area.setAttribute("aria-label", "Code of " + this.name);
    area.value = this.text;
    this.pre.parentNode.classList.add("nb-editing");
    this.pre.parentNode.appendChild(area);
    this.area = area;
    area.addEventListener("input", function () {
      self.text = area.value;
      self.code.innerHTML = highlight(area.value);
      try { localStorage.setItem(storeKey(self.name), area.value); } catch (e) {}
      self.box.classList.toggle("nb-edited", area.value !== self.original);
    });
    area.addEventListener("scroll", function () { self.pre.scrollLeft = area.scrollLeft; });
    area.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && e.shiftKey) { e.preventDefault(); self.run(); }
      else if (e.key === "Tab" && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault(); // a tab, kept in the undo history (Ctrl/Cmd+Z) by insertText
        if (!document.execCommand("insertText", false, "\t")) area.setRangeText("\t", area.selectionStart, area.selectionEnd, "end");
      } else if (e.key === "Escape") area.blur();
    });
    area.focus(); // over the highlighted code, which sizes it (inset 0)
  };
  Cell.prototype.reset = function () {
    try { localStorage.removeItem(storeKey(this.name)); } catch (e) {}
    this.text = this.original;
    this.code.innerHTML = this.originalHTML;
    if (this.area) { this.area.remove(); this.area = null; this.pre.parentNode.classList.remove("nb-editing"); }
    this.clearResult();
    var hl = this.box.querySelector(".highlight");
    this.originalResult.forEach(function (n) { hl.parentNode.appendChild(n); });
    this.head().innerHTML = this.originalHead;
    this.head().append(this.bar); // the controls stay
    this.box.className = this.originalClass;
    this.setStatus("", "");
  };
  Cell.prototype.head = function () { return this.box.querySelector(".cell-head"); };
  Cell.prototype.clearResult = function () {
    var hl = this.box.querySelector(".highlight");
    while (hl.nextSibling) hl.nextSibling.remove();
  };
  Cell.prototype.stop = function () {
    post("/__stop", { chapter: chapter, cell: this.name });
  };
  Cell.prototype.stream = function (name) {
    var key = "out_" + name;
    if (!this[key]) {
      var d = el("div", "stream " + name + " nb-live");
      d.append(el("div", "stream-label", name === "stderr" ? "stderr" : "output"), el("pre"));
      var next = name === "stdout" && this.out_stderr ? this.out_stderr : null;
      this.box.insertBefore(d, next);
      this[key] = d.querySelector("pre");
    }
    return this[key];
  };
  Cell.prototype.run = function () {
    var self = this, rec = { cell: this.name, start: performance.now(), first: 0, end: 0 };
    window.__bookRuns.push(rec);
    if (this.running) this.stop();
    this.running = true;
    this.box.classList.remove("nb-stale");
    var old = this.box.querySelector(".nb-stale-note");
    if (old) old.remove();
    this.setStatus("running", "running…");
    var started = false;
    var begin = function () {
      if (started) return;
      started = true;
      self.clearResult();
      self.out_stdout = self.out_stderr = null;
    };
    return post("/__run", { chapter: chapter, cell: this.name, code: this.text }).then(function (resp) {
      if (resp.status === 204) { self.setStatus("stopped", "stopped"); return; }
      if (!resp.ok || !resp.body) {
        return resp.text().then(function (t) { self.setStatus("error", resp.status + ": " + t.trim()); });
      }
      var reader = resp.body.getReader(), dec = new TextDecoder(), buf = "";
      var pump = function () {
        return reader.read().then(function (r) {
          if (r.value) buf += dec.decode(r.value, { stream: true });
          var i;
          while ((i = buf.indexOf("\n")) >= 0) {
            var line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (line) { begin(); self.event(JSON.parse(line), rec); }
          }
          if (!r.done) return pump();
        });
      };
      return pump();
    }).catch(function (e) {
      self.setStatus("error", String(e));
    }).then(function () {
      self.running = false;
      rec.end = performance.now();
    });
  };
  Cell.prototype.setStatus = function (cls, text) {
    this.status.className = "nb-status nb-" + cls;
    this.status.textContent = text;
  };
  Cell.prototype.event = function (ev, rec) {
    if (ev.Action === "output" && ev.Stream) {
      this.stream(ev.Stream).appendChild(document.createTextNode(ev.Output));
      if (!rec.first) rec.first = performance.now();
      return;
    }
    if (ev.Action !== "pass" && ev.Action !== "fail" && ev.Action !== "skip") return;
    this.result(ev);
  };
  Cell.prototype.result = function (ev) {
    var box = this.box;
    box.className = box.className.replace(/\bcell-(pass|fail|skip|norun)\b/, "cell-" + ev.Action);
    var head = this.head();
    var meta = head.querySelector(".cell-meta");
    if (!meta) { meta = el("span", "cell-meta"); head.insertBefore(meta, this.bar); }
    var badge = head.querySelector(".badge");
    if (!badge) { badge = el("span"); head.insertBefore(badge, meta); }
    badge.className = "badge badge-" + ev.Action;
    badge.textContent = ev.Action;
    meta.textContent = (ev.Engine || "") + (ev.Routed ? ": " + ev.Routed : "") + " · " + formatSeconds(ev.Elapsed || 0);
    this.setStatus(ev.Action, ev.FailKind === "interrupted" ? "stopped" : ev.Action === "pass" ? "passed" : ev.Action);
    if (ev.Error) box.append(el("pre", "cell-error" + (ev.Action === "pass" ? " expected" : ""), ev.Error));
    if (ev.Problems && ev.Problems.length) {
      var d = el("details", "problems");
      d.open = true;
      d.append(el("summary", "", "Verification failed"), el("pre", "", ev.Problems.join("\n\n")));
      box.append(d);
    }
    if (ev.Diagram) {
      var f = el("div", "nb-diagram");
      f.innerHTML = ev.Diagram; // drawn by the server, every text escaped
      box.append(f);
    }
    (ev.Stale || []).forEach(function (name) { var c = byName[name]; if (c) c.markStale(); });
  };
  Cell.prototype.markStale = function () {
    if (this.box.classList.contains("nb-stale")) return;
    this.box.classList.add("nb-stale");
    var note = el("div", "nb-stale-note", "Stale: an earlier cell changed a name this one uses. ");
    note.append(button("Re-run", "Run this cell again", this.run.bind(this)));
    this.box.insertBefore(note, this.box.querySelector(".highlight"));
  };
  function formatSeconds(s) {
    return s >= 1 ? s.toFixed(2) + "s" : s > 0 ? Math.round(s * 1000) + "ms" : "< 10ms"; // Elapsed is in hundredths, as go test's
  }

  for (var i = 0; i < boxes.length; i++) {
    var c = new Cell(boxes[i], specs[i]);
    cells.push(c);
    byName[c.name] = c;
  }
  // The chapter's controls: restart the session, re-run the stale cells.
  var article = document.querySelector("article");
  var bar = el("div", "nb-chapter");
  bar.append(el("span", "nb-chapter-label", "Notebook: edit and run any cell; fragments share this chapter's session."),
    button("Restart session", "Discard the session: the next run replays the earlier fragments", function () {
      post("/__restart", { chapter: chapter }).then(function (r) {
        bar.querySelector(".nb-chapter-label").textContent = r.ok ? "Session restarted." : "Restart failed: " + r.status;
      });
    }),
    button("Re-run stale", "Run the stale cells again, in order", function () {
      var stale = cells.filter(function (c) { return c.box.classList.contains("nb-stale"); });
      stale.reduce(function (p, c) { return p.then(function () { return c.run(); }); }, Promise.resolve());
    }));
  article.insertBefore(bar, article.firstChild);
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || !e.shiftKey || e.target.closest && e.target.closest("textarea,input")) return;
    var box = e.target.closest && e.target.closest(".cell");
    if (box && box.dataset.cell && byName[box.dataset.cell]) { e.preventDefault(); byName[box.dataset.cell].run(); }
  });
})();

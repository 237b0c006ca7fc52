// Live reload for go run ./cmd/site -serve: ask the server for its build
// number, then wait for the next (a long poll: /__version?wait=N answers
// when the build is no longer N), and reload the page when it changes.
(function () {
  "use strict";
  var seen = null;
  function poll() {
    var url = "/__version" + (seen === null ? "" : "?wait=" + encodeURIComponent(seen));
    fetch(url, { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (v) {
      if (seen !== null && v !== seen) {
        location.reload();
        return;
      }
      seen = v;
      poll();
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();

// Live reload for go run ./cmd/site -serve: poll the server's build
// version and reload the page when it changes.
(function () {
  "use strict";
  var seen = null;
  function poll() {
    fetch("/__version", { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (v) {
      if (seen !== null && v !== seen) location.reload();
      seen = v;
    }).catch(function () {}).then(function () { setTimeout(poll, 700); });
  }
  poll();
})();

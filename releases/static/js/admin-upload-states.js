/* Upload states follow the worker: while files are queued or processing, fetch the page
   named by data-source every few seconds and put its fresh #upload-states in place.
   The markup comes from the server, escaped as on any page; DOMParser runs no script.
   Without JavaScript the block has a link to reload it. */
"use strict";
(function () {
  var DELAY = 3000;

  function schedule() {
    var block = document.getElementById("upload-states");
    if (!block || block.dataset.pending === "0" || !block.dataset.source) return;
    window.setTimeout(refresh, DELAY);
  }

  function refresh() {
    var block = document.getElementById("upload-states");
    fetch(block.dataset.source, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("upload-states");
        if (!fresh) return;
        // Keep the table's source: the photo list polls the recent uploads page.
        fresh.dataset.source = block.dataset.source;
        block.replaceWith(document.importNode(fresh, true));
        schedule();
      })
      .catch(function () {
        window.setTimeout(refresh, DELAY * 5); // the server is busy or the session ended
      });
  }

  document.addEventListener("DOMContentLoaded", schedule);
})();

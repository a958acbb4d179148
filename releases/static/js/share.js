/* The release page's share block, enhanced: "Copy link" copies the page's address and
   says so in the block's live region, and a print button appears. Without this script
   "Copy link" is a plain link to the page and there is no print button. */
"use strict";
(function () {
  function announce(status, text) {
    // Emptied first so that the same message, said twice, is announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function loadEveryImage() {
    // Photos further down the page load lazily; printing must not find them missing.
    var images = Array.prototype.slice.call(document.querySelectorAll("img[loading=lazy]"));
    images.forEach(function (img) { img.loading = "eager"; });
    return Promise.all(images.map(function (img) {
      return img.decode ? img.decode().catch(function () {}) : Promise.resolve();
    }));
  }

  function enhance(block) {
    var status = block.querySelector(".share__status");
    var copy = block.querySelector(".share__copy");
    if (copy && status && navigator.clipboard && window.isSecureContext) {
      copy.textContent = copy.dataset.label;
      copy.addEventListener("click", function (event) {
        event.preventDefault();
        navigator.clipboard.writeText(copy.href).then(
          function () { announce(status, copy.dataset.copied); },
          function () { announce(status, copy.dataset.failed); }
        );
      });
    }
    var print = block.querySelector(".share__print");
    if (print && typeof window.print === "function") {
      print.closest(".share__print-item").hidden = false;
      print.addEventListener("click", function () {
        loadEveryImage().then(function () { window.print(); });
      });
    }
  }

  function start() {
    document.querySelectorAll(".share").forEach(enhance);
    window.addEventListener("beforeprint", loadEveryImage);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

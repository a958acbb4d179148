/* Names for the controls Swagger UI leaves unnamed for assistive technology: the list of
   a parameter's allowed values (an enum, such as a release's kind) gets its parameter's
   name, as its text box would by its placeholder. Swagger UI draws operations when they
   are opened, so this watches the page. */
"use strict";
(function () {
  function name(root) {
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      const row = select.closest("tr[data-param-name]");
      select.setAttribute("aria-label", row.dataset.paramName + " (" + row.dataset.paramIn + ")");
    });
  }

  new MutationObserver(function () { name(document); }).observe(document.body, {
    childList: true,
    subtree: true,
  });
})();

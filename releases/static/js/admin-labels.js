/* Names for the admin's composite fields, which Django and Select2 leave unnamed for
   assistive technology: the autocomplete boxes (named by their field's label) and the
   date and time halves of a publication time (named by their aria-label). A tabular
   inline's first column (each saved row's name) has an empty header cell: it becomes a
   plain cell, not a header without a name. */
"use strict";
(function () {
  function labelOf(select) {
    const label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label && !label.id) label.id = select.id + "-label";
    return label;
  }

  function unheaded(root) {
    root.querySelectorAll(".tabular thead th.original:empty").forEach(function (th) {
      const cell = document.createElement("td");
      cell.className = th.className;
      th.replaceWith(cell);
    });
  }

  function name(root) {
    unheaded(root);
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const label = labelOf(select);
      const box = select.nextElementSibling;
      if (!label || !box || !box.classList.contains("select2")) return;
      // The field's label, then (for a single choice) the choice itself.
      box.querySelectorAll('[role="combobox"]').forEach(function (el) {
        const own = (el.getAttribute("aria-labelledby") || "").replace(label.id, "").trim();
        el.setAttribute("aria-labelledby", (label.id + " " + own).trim());
      });
      box.querySelectorAll('[role="textbox"]').forEach(function (el) {
        el.setAttribute("aria-labelledby", label.id);
      });
      box.querySelectorAll(".select2-search__field").forEach(function (el) {
        el.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
      });
    });
  }

  // Select2 draws its boxes when jQuery is ready, for a new block, and anew after each
  // choice of a multiple choice: name them whenever it adds any.
  let pending = false;
  new MutationObserver(function (changes) {
    if (pending) return;
    if (!changes.some(function (c) { return c.addedNodes.length; })) return;
    pending = true;
    queueMicrotask(function () { pending = false; name(document); });
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () { name(document); });
})();

/* Body blocks in the release admin: show only the fields a block's kind uses.
   Without JavaScript every field stays visible and the server still checks them. */
"use strict";
(function () {
  const FIELDS = {
    paragraph: ["text_uk", "text_en"],
    quote: ["text_uk", "text_en", "official"],
    photo: ["photo"],
    video: ["text_uk", "text_en", "video_id", "photo"],
  };
  const ALL = ["text_uk", "text_en", "official", "video_id", "photo"];

  function fieldBox(form, name) {
    const box = form.querySelector(".fieldBox.field-" + name);
    return box ? box.parentElement : null;
  }

  function update(select) {
    const form = select.closest(".inline-related");
    if (!form) return;
    const wanted = FIELDS[select.value] || ALL;
    for (const name of ALL) {
      const box = fieldBox(form, name);
      if (box) box.hidden = !wanted.includes(name);
    }
  }

  function init(root) {
    root.querySelectorAll('.press-blocks select[name$="-kind"]').forEach(update);
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches('.press-blocks select[name$="-kind"]')) update(event.target);
  });
  document.addEventListener("formset:added", function (event) { init(event.target); });
  document.addEventListener("DOMContentLoaded", function () { init(document); });
})();

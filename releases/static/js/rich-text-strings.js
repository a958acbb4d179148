/* The words of the rich-text editor's link dialog, in the page's language. The packaged
   editor asks window.gettext (Django's JavaScript catalogue) for them, and keeps the
   function it found when it loads; so this classic script, run before the editor's
   module, puts our translations (rendered by the server on each editor's textarea) in
   front of the catalogue. Every other string still comes from the catalogue. */
"use strict";
(function () {
  const catalogue = window.gettext || function (msgid) { return msgid; };
  window.gettext = function (msgid) {
    const source = document.querySelector("textarea[data-rich-text]");
    const strings = source ? JSON.parse(source.dataset.richText).strings || {} : {};
    if (Object.prototype.hasOwnProperty.call(strings, msgid)) return strings[msgid];
    return catalogue.apply(this, arguments);
  };
})();

/* A section folded away must not hide an error: open every section that holds one. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("details").forEach(function (section) {
    if (section.parentElement.querySelector(".errorlist, .errors")) section.open = true;
  });
});

/* The photos of a release as a gallery: a click on a photo (or Enter on its link) opens
   it in a modal lightbox with the previous and next photos, its caption and credit, a
   counter and the download of the original. Arrow keys and a swipe move, Escape or
   "Close" close it and give the focus back to the photo it was opened from. Its strings
   and markup come, translated, from the page's <template class="gallery-template">.
   Without this script each photo stays a link to its own page. */
"use strict";
(function () {
  var STEPS = { ArrowLeft: -1, ArrowRight: 1 };
  var SWIPE = 40; // pixels across, more than down, that count as a swipe
  var SIZES = "(min-width: 80rem) 76rem, 100vw";

  function build(template, figures) {
    var dialog = template.content.firstElementChild.cloneNode(true);
    var stage = dialog.querySelector(".gallery__stage");
    var caption = dialog.querySelector(".gallery__caption");
    var counter = dialog.querySelector(".gallery__counter");
    var download = dialog.querySelector(".gallery__download");
    var current = 0;
    var opener = null;
    var swipeStart = null;

    function show(index) {
      current = (index + figures.length) % figures.length;
      var figure = figures[current];
      // The page's own <picture>, with every rendition in its srcset, drawn larger.
      var picture = figure.querySelector("picture").cloneNode(true);
      picture.querySelectorAll("source, img").forEach(function (element) {
        element.setAttribute("sizes", SIZES);
      });
      var image = picture.querySelector("img");
      image.removeAttribute("loading");
      image.className = "gallery__image";
      stage.replaceChildren(picture);
      var text = figure.querySelector("figcaption");
      caption.replaceChildren();
      if (text) {
        text.childNodes.forEach(function (node) { caption.appendChild(node.cloneNode(true)); });
      }
      caption.hidden = !text;
      counter.textContent = counter.dataset.pattern
        .replace("{index}", String(current + 1))
        .replace("{total}", String(figures.length));
      download.href = figure.dataset.download;
      download.setAttribute("download", figure.dataset.downloadName);
    }

    function open(index, link) {
      opener = link;
      show(index);
      dialog.showModal();
    }

    dialog.querySelectorAll(".gallery__step").forEach(function (button) {
      button.hidden = figures.length < 2;
    });
    dialog.querySelector(".gallery__previous").addEventListener("click", function () {
      show(current - 1);
    });
    dialog.querySelector(".gallery__next").addEventListener("click", function () {
      show(current + 1);
    });
    dialog.querySelector(".gallery__close").addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("keydown", function (event) {
      if (Object.prototype.hasOwnProperty.call(STEPS, event.key) && figures.length > 1) {
        event.preventDefault();
        show(current + STEPS[event.key]);
      } else if (event.key === "Tab") {
        keepFocusIn(event);
      }
    });

    // A modal dialog keeps the page behind it out of reach, but Tab would still leave it
    // for the browser's own controls: from the last control it comes back to the first.
    function keepFocusIn(event) {
      var controls = Array.prototype.filter.call(
        dialog.querySelectorAll("a[href], button"),
        function (control) { return control.getClientRects().length > 0; }
      );
      var first = controls[0];
      var last = controls[controls.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
    // A click on the backdrop, outside the lightbox's own content, closes it too.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();
    });
    dialog.addEventListener("close", function () {
      stage.replaceChildren();
      if (opener) opener.focus();
    });

    stage.addEventListener("pointerdown", function (event) {
      if (event.isPrimary) swipeStart = { x: event.clientX, y: event.clientY };
    });
    stage.addEventListener("pointercancel", function () { swipeStart = null; });
    // A drag across the photo is a swipe, not the browser dragging the image away (which
    // would cancel the pointer before it is lifted).
    stage.addEventListener("dragstart", function (event) { event.preventDefault(); });
    stage.addEventListener("pointerup", function (event) {
      if (!swipeStart || figures.length < 2) return;
      var across = event.clientX - swipeStart.x;
      var down = event.clientY - swipeStart.y;
      swipeStart = null;
      if (Math.abs(across) > SWIPE && Math.abs(across) > Math.abs(down)) {
        show(current + (across < 0 ? 1 : -1));
      }
    });

    figures.forEach(function (figure, index) {
      var link = figure.querySelector("a");
      if (!link) return;
      link.setAttribute("aria-haspopup", "dialog");
      link.addEventListener("click", function (event) {
        // A new tab or window still opens the photo's own page.
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        open(index, link);
      });
    });
    return dialog;
  }

  function start() {
    var template = document.querySelector("template.gallery-template");
    if (!template || typeof HTMLDialogElement !== "function") return;
    var root = template.closest("article") || document;
    var figures = Array.prototype.slice.call(
      root.querySelectorAll("figure.photo[data-download]")
    ).filter(function (figure) { return figure.querySelector("picture"); });
    if (figures.length) document.body.appendChild(build(template, figures));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

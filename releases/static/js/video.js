/* Videos of a release, loaded only when the reader asks: each poster, a plain link to the
   video on youtube.com without this script, becomes a button that puts YouTube's player
   (youtube-nocookie.com, the one frame source the site's Content-Security-Policy allows)
   in its place. Nothing is requested from YouTube before that click. */
"use strict";
(function () {
  function play(figure, button) {
    var frame = document.createElement("iframe");
    frame.className = "video__frame";
    frame.src = figure.dataset.embed;
    frame.title = figure.dataset.title;
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.allowFullscreen = true;
    // YouTube's player needs to know which site embeds it: the origin, not the page.
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    button.replaceWith(frame);
    frame.focus();
  }

  function enhance(figure) {
    var link = figure.querySelector("a.video__poster");
    if (!link || !figure.dataset.embed) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.setAttribute("aria-describedby", link.getAttribute("aria-describedby"));
    while (link.firstChild) button.appendChild(link.firstChild);
    button.querySelector(".video__action").textContent = figure.dataset.play;
    button.querySelector(".video__note").textContent = figure.dataset.playNote;
    link.replaceWith(button);
    button.addEventListener("click", function () { play(figure, button); });
  }

  function start() {
    document.querySelectorAll("figure.video").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* Photo admin: click the preview to set the focal point that crops keep in view.
   The two number fields stay the source of truth and work without JavaScript. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  const preview = document.querySelector(".field-preview_large img");
  const x = document.querySelector("#id_focal_x");
  const y = document.querySelector("#id_focal_y");
  if (!preview || !x || !y) return;

  const frame = document.createElement("div");
  frame.className = "focal-frame";
  preview.replaceWith(frame);
  frame.appendChild(preview);
  const marker = document.createElement("span");
  marker.className = "focal-marker";
  marker.setAttribute("aria-hidden", "true");
  frame.appendChild(marker);

  function show() {
    marker.style.left = (parseFloat(x.value) || 0.5) * 100 + "%";
    marker.style.top = (parseFloat(y.value) || 0.5) * 100 + "%";
  }
  preview.addEventListener("click", function (event) {
    const box = preview.getBoundingClientRect();
    x.value = ((event.clientX - box.left) / box.width).toFixed(3);
    y.value = ((event.clientY - box.top) / box.height).toFixed(3);
    show();
  });
  x.addEventListener("input", show);
  y.addEventListener("input", show);
  preview.style.cursor = "crosshair";
  show();
});

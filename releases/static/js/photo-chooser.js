/* The photo chooser: a field's "Choose a photo" opens a <dialog> with the library's
   thumbnails, a search and an upload; choosing fills the field and shows the photo.

   Every piece of markup comes from the server's chooser views, escaped as on any page
   (a strict Content-Security-Policy would run no script in it anyway); what this script
   writes itself goes through textContent and attributes. Without it, the field is the
   admin's autocomplete, which the widget draws and the class below hides. */
"use strict";
(function () {
  document.documentElement.classList.add("photo-chooser-ready");

  var dialog = null;
  var field = null; // the .photo-chooser whose photo is being chosen
  var opener = null;

  function request(url, options) {
    return fetch(url, Object.assign({ credentials: "same-origin" }, options || {})).then(
      function (response) {
        if (response.status === 201) return response.json().then(function (photo) { return { photo: photo }; });
        return response.text().then(function (html) {
          if (!response.ok) throw new Error(response.status);
          return { html: html };
        });
      }
    );
  }

  function fragment(html) {
    return document.importNode(new DOMParser().parseFromString(html, "text/html").body, true);
  }

  function replaceChildren(target, html) {
    var body = fragment(html);
    target.replaceChildren.apply(target, Array.from(body.childNodes));
  }

  function announce() {
    var results = dialog.querySelector("[data-chooser-page-of-results]");
    var status = dialog.querySelector("[data-chooser-status]");
    if (results && status) status.textContent = results.dataset.summary || "";
  }

  function ensureDialog() {
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.className = "photo-chooser-dialog";
    dialog.setAttribute("aria-labelledby", "photo-chooser-title");
    document.body.appendChild(dialog);
    dialog.addEventListener("close", function () {
      if (opener && document.contains(opener)) opener.focus();
    });
    dialog.addEventListener("click", onDialogClick);
    dialog.addEventListener("submit", onDialogSubmit);
    return dialog;
  }

  function open(button) {
    field = button.closest("[data-photo-chooser]");
    opener = button;
    ensureDialog();
    button.disabled = true;
    request(field.dataset.chooserUrl)
      .then(function (answer) {
        replaceChildren(dialog, answer.html || "");
        dialog.showModal();
        announce();
        var search = dialog.querySelector("[data-chooser-search] input[type=search]");
        if (search) search.focus();
      })
      .catch(function () {
        window.alert(button.dataset.failed || "…");
      })
      .finally(function () {
        button.disabled = false;
      });
  }

  function loadResults(url) {
    var results = dialog.querySelector("[data-chooser-results]");
    results.setAttribute("aria-busy", "true");
    return request(url, { headers: { Accept: "text/html" } })
      .then(function (answer) {
        replaceChildren(results, answer.html || "");
        announce();
      })
      .finally(function () {
        results.removeAttribute("aria-busy");
      });
  }

  function choose(photo) {
    var select = field.querySelector("select");
    var id = String(photo.id);
    var option = Array.from(select.options).find(function (o) { return o.value === id; });
    if (!option) {
      option = new Option(photo.label || photo.code, id, true, true);
      select.add(option);
    }
    select.value = id;
    // Native, so that the autocomplete (jQuery listens with addEventListener) follows.
    select.dispatchEvent(new Event("change", { bubbles: true }));
    show(photo);
    if (dialog.open) dialog.close();
  }

  function show(photo) {
    var chosen = field.querySelector("[data-chosen]");
    var parts = [];
    if (photo) {
      var image = document.createElement("img");
      image.src = photo.thumbnail;
      image.alt = "";
      image.width = 120;
      var text = document.createElement("span");
      text.className = "photo-chooser__chosen-text";
      var caption = document.createElement("span");
      caption.textContent = photo.caption || "—";
      var code = document.createElement("code");
      code.textContent = photo.code;
      text.append(caption, " ", code);
      parts = [image, text];
    } else {
      var none = document.createElement("span");
      none.className = "photo-chooser__chosen-text";
      none.textContent = chosen.dataset.none || "—";
      parts = [none];
    }
    chosen.replaceChildren.apply(chosen, parts);
    var clear = field.querySelector("[data-chooser-clear]");
    if (clear) clear.hidden = !photo;
  }

  function onDialogClick(event) {
    var target = event.target;
    if (target.closest("[data-chooser-close]")) {
      dialog.close();
      return;
    }
    var page = target.closest("a[data-chooser-page]");
    if (page) {
      event.preventDefault();
      loadResults(page.href).then(function () {
        var first = dialog.querySelector("[data-choose]");
        if (first) first.focus();
      });
      return;
    }
    var item = target.closest("[data-choose]");
    if (item) {
      choose({
        id: item.dataset.id,
        code: item.dataset.code,
        caption: item.dataset.caption,
        thumbnail: item.dataset.thumbnail,
        label: item.dataset.label,
      });
    }
  }

  function onDialogSubmit(event) {
    var form = event.target;
    if (form.matches("[data-chooser-search]")) {
      event.preventDefault();
      var query = new URLSearchParams(new FormData(form)).toString();
      loadResults(form.action + "?" + query);
    } else if (form.matches("[data-chooser-upload-form]")) {
      event.preventDefault();
      upload(form);
    }
  }

  function upload(form) {
    var submit = form.querySelector("[type=submit]");
    var file = form.querySelector("input[type=file]");
    submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    request(form.action, { method: "POST", body: new FormData(form) })
      .then(function (answer) {
        if (answer.photo) {
          choose(answer.photo);
          return;
        }
        var holder = dialog.querySelector("[data-chooser-upload]");
        replaceChildren(holder, answer.html);
        // The file chosen stays chosen unless the file itself was refused.
        var fresh = holder.querySelector("input[type=file]");
        var refused = fresh && fresh.closest(".errors");
        if (fresh && file && file.files.length && !refused) {
          file.removeAttribute("aria-invalid");
          fresh.replaceWith(file);
        }
        var invalid = holder.querySelector(".errors input, .errors textarea");
        if (invalid) invalid.focus();
      })
      .catch(function () {
        submit.disabled = false;
        form.removeAttribute("aria-busy");
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-photo-chooser] [data-chooser-open]");
    if (button) {
      open(button);
      return;
    }
    var clear = event.target.closest("[data-photo-chooser] [data-chooser-clear]");
    if (clear) {
      field = clear.closest("[data-photo-chooser]");
      var select = field.querySelector("select");
      select.value = "";
      select.dispatchEvent(new Event("change", { bubbles: true }));
      show(null);
      field.querySelector("[data-chooser-open]").focus();
    }
  });
})();

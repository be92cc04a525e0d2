// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Uploads in one step: choosing a file sends it, with its progress
  // shown; a file over the provider's limit or not a JPEG is refused here,
  // before it is sent. The page then shows the result as the server
  // rendered it (the new thumbnail, or the refusal beside the slot).
  function say(form, text, bad) {
    var st = form.querySelector(".upload-status");
    if (!st) { return; }
    st.textContent = text;
    st.classList.toggle("bad", !!bad);
    if (bad) { st.setAttribute("role", "alert"); } else { st.setAttribute("role", "status"); }
  }
  function size(n) {
    return n >= 1048576 ? (Math.round(n / 104857.6) / 10) + " MB" : Math.ceil(n / 1024) + " KB";
  }
  function send(form) {
    var inp = form.querySelector("input[type=file]");
    var file = inp && inp.files && inp.files[0];
    if (!file) { return; }
    var max = parseInt(form.getAttribute("data-max"), 10) || 0;
    if (max && file.size > max) {
      say(form, form.getAttribute("data-toolarge").replace("%s", size(file.size)).replace("%s", form.getAttribute("data-maxtext")), true);
      inp.value = "";
      return;
    }
    if (!/\.jpe?g$/i.test(file.name) && file.type !== "image/jpeg") {
      say(form, form.getAttribute("data-notjpeg"), true);
      inp.value = "";
      return;
    }
    var date = form.querySelector("input[type=date]");
    if (date && !date.value) {
      say(form, form.getAttribute("data-needdate"), true);
      date.focus();
      return;
    }
    if (form.getAttribute("data-busy")) { return; }
    form.setAttribute("data-busy", "1");
    var st = form.querySelector(".upload-status");
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    st.textContent = "";
    st.classList.remove("bad");
    st.appendChild(bar);
    st.appendChild(document.createTextNode(form.getAttribute("data-sending")));
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round(e.loaded * 100 / e.total); }
    });
    xhr.addEventListener("load", function () {
      if (xhr.status >= 200 && xhr.status < 300) {
        // The post answered 303 to the uploads page, which XHR followed.
        var to = new URL(xhr.responseURL);
        if (to.pathname === location.pathname) {
          location.hash = form.getAttribute("data-slot");
          location.reload();
        } else {
          location.assign(to.pathname + "#" + form.getAttribute("data-slot"));
        }
        return;
      }
      // A refusal: the server's page carries the message beside this slot.
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var slot = doc.getElementById(form.getAttribute("data-slot"));
      var msg = slot && slot.querySelector(".ferr");
      var alt = doc.querySelector(".flash, .alert-error");
      say(form, msg ? msg.textContent : (alt ? alt.textContent : form.getAttribute("data-failed")), true);
      inp.value = "";
      form.removeAttribute("data-busy");
    });
    xhr.addEventListener("error", function () {
      say(form, form.getAttribute("data-failed"), true);
      form.removeAttribute("data-busy");
    });
    xhr.send(new FormData(form));
  }
  document.querySelectorAll("form.one-step").forEach(function (form) {
    if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) { return; }
    form.classList.add("auto");
    var inp = form.querySelector("input[type=file]");
    if (inp) { inp.addEventListener("change", function () { send(form); }); }
    var date = form.querySelector("input[type=date]");
    if (date) { date.addEventListener("change", function () { send(form); }); }
    form.addEventListener("submit", function (e) { e.preventDefault(); send(form); });
  });

  // Address selects: a province fills its cities, a city its counties.
  function fill(select, items, keep) {
    var first = select.options[0];
    select.innerHTML = "";
    select.appendChild(first);
    items.forEach(function (it) {
      var o = document.createElement("option");
      o.value = it.code;
      o.textContent = it.name;
      if (it.code === keep) { o.selected = true; }
      select.appendChild(o);
    });
  }
  function clearDown(select) {
    var name = select.getAttribute("data-children");
    if (!name) { return; }
    var child = document.querySelector('select[name="' + name + '"]');
    if (child) { fill(child, [], ""); clearDown(child); }
  }
  document.querySelectorAll("select[data-children]").forEach(function (sel) {
    sel.addEventListener("change", function () {
      var child = document.querySelector('select[name="' + sel.getAttribute("data-children") + '"]');
      if (!child) { return; }
      clearDown(sel);
      if (!sel.value) { return; }
      fetch("/refdata/divisions/" + encodeURIComponent(sel.value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) { fill(child, items, ""); })
        .catch(function () {});
    });
  });

  // Confirm before destructive posts (withdraw).
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });

  // Show the chosen file's name beside the styled picker.
  document.querySelectorAll(".filepick input[type=file]").forEach(function (inp) {
    inp.addEventListener("change", function () {
      var out = inp.parentNode.querySelector(".fname");
      if (out && inp.files && inp.files.length) { out.textContent = inp.files[0].name; }
    });
  });

  // Once a marked field is edited, its old message no longer applies.
  document.querySelectorAll(".field.has-error").forEach(function (f) {
    f.addEventListener("input", function () {
      f.classList.remove("has-error");
      f.querySelectorAll(".ferr").forEach(function (m) { m.classList.add("stale"); });
      f.querySelectorAll("[aria-invalid]").forEach(function (i) { i.removeAttribute("aria-invalid"); });
    });
  });

  // After a save that left errors, or a refused form, the focus goes to
  // the first field in error (its message is read with it), else to the
  // first error message, so keyboard and screen-reader users start there.
  var main = document.querySelector("main[data-focus-error]");
  if (main && !location.hash) {
    var first = main.querySelector('[aria-invalid="true"]:not([type=hidden])') || main.querySelector(".alert-error, .ferr");
    if (first) {
      if (!first.matches("input, select, textarea, button, a")) { first.setAttribute("tabindex", "-1"); }
      first.focus();
      if (first.scrollIntoView) { first.scrollIntoView({ block: "center" }); }
    }
  }

  // Print buttons.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });

  // "长期": a certificate without end date disables its date input.
  document.querySelectorAll('input[type=checkbox][name$=".long_term"]').forEach(function (cb) {
    var date = document.querySelector('input[name="' + cb.name.replace(/\.long_term$/, "") + '"]');
    function sync() { if (date) { date.disabled = cb.checked; } }
    cb.addEventListener("change", sync);
    sync();
  });
})();

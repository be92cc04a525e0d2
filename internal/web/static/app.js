// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

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

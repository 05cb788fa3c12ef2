// The web interface's few enhancements; every page works without them.
// A form marked data-preview="URL" posts itself to URL as the user types and shows the
// answer (an HTML fragment) in the element named by data-preview-target.
(function () {
  "use strict";
  function live(form) {
    var target = document.getElementById(form.dataset.previewTarget);
    if (!target) { return; }
    var timer = null;
    var sent = 0;
    function refresh() {
      var asked = ++sent;
      fetch(form.dataset.preview, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (r) { return r.text(); }).then(function (html) {
        if (asked === sent) { target.innerHTML = html; }
      }).catch(function () { /* the preview button still works */ });
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 350);
    });
  }
  document.querySelectorAll("form[data-preview]").forEach(live);
  // A button marked data-confirm asks before submitting its form.
  document.querySelectorAll("button[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (e) {
      if (!window.confirm(b.dataset.confirm)) { e.preventDefault(); }
    });
  });
  // A form submits once: its buttons are disabled after the first submit (the server
  // writes once per form anyway), and enabled again when the page is shown from the
  // browser's history.
  var posted = document.querySelectorAll("form[method=post]");
  posted.forEach(function (f) {
    f.addEventListener("submit", function () {
      setTimeout(function () {
        f.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });
  window.addEventListener("pageshow", function () {
    posted.forEach(function (f) {
      f.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    });
  });
}());

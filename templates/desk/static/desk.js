/* 编审台: dialogs for 退回 and 撤稿, the body's live preview, photo upload into the body. No third-party code. */
(function () {
  "use strict";
  function token() {
    var field = document.querySelector("input[name=_xsrf]");
    return field ? field.value : "";
  }
  document.querySelectorAll("[data-open]").forEach(function (button) {
    button.addEventListener("click", function () {
      var dialog = document.getElementById(button.getAttribute("data-open"));
      if (dialog && dialog.showModal) { dialog.showModal(); var first = dialog.querySelector("textarea"); if (first) first.focus(); }
    });
  });
  document.querySelectorAll("dialog [data-close]").forEach(function (button) {
    button.addEventListener("click", function () { button.closest("dialog").close(); });
  });
  var body = document.getElementById("f-body");
  var shown = body && document.getElementById(body.getAttribute("data-preview"));
  var timer = null;
  function refresh() {
    var data = new FormData();
    data.append("_xsrf", token());
    data.append("body", body.value);
    fetch("/render", {method: "POST", body: data, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) { if (answer) shown.innerHTML = answer.html; });  // sanitised on the server (nh3)
  }
  if (body && shown) {
    body.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 400); });
    refresh();
  }
  var insert = document.getElementById("bi-insert");
  if (insert && body) {
    insert.addEventListener("click", function () {
      var file = document.getElementById("bi-file"), alt = document.getElementById("bi-alt");
      var status = document.getElementById("bi-status");
      if (!file.files.length) { status.textContent = "请先选择照片。"; return; }
      if (!alt.value.trim()) { status.textContent = "请填写照片说明。"; alt.focus(); return; }
      var data = new FormData();
      data.append("_xsrf", token());
      data.append("folder", insert.getAttribute("data-folder"));
      data.append("alt", alt.value);
      data.append("file", file.files[0]);
      status.textContent = "正在上传…";
      fetch("/upload", {method: "POST", body: data, credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (answer) {
          if (answer.error) { status.textContent = answer.error; return; }
          body.value = body.value.replace(/\s*$/, "") + "\n\n" + answer.markdown + "\n";
          status.textContent = "已插入：" + answer.path;
          refresh();
        })
        .catch(function () { status.textContent = "上传失败，请再试一次。"; });
    });
  }
})();

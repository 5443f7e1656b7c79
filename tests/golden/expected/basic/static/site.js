/* 字号 switch (persists across pages) and the 朗读 button; plain ES5 so old phones run it. */
(function () {
  var root = document.documentElement;
  var buttons = document.querySelectorAll(".fs button");
  function mark(size) {
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", buttons[i].getAttribute("data-fs") === size ? "true" : "false");
    }
  }
  function choose(size) {
    if (size) { root.setAttribute("data-fs", size); } else { root.removeAttribute("data-fs"); }
    try { localStorage.setItem("wm-fs", size); } catch (e) { /* private mode: the choice lasts for this page */ }
    mark(size);
  }
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function () { choose(this.getAttribute("data-fs")); });
  }
  mark(root.getAttribute("data-fs") || "");

  var speak = document.querySelector(".speak");
  var article = document.querySelector(".article");
  if (!speak || !article || !("speechSynthesis" in window) || typeof SpeechSynthesisUtterance === "undefined") { return; }
  speak.hidden = false;
  speak.addEventListener("click", function () {
    if (window.speechSynthesis.speaking) { window.speechSynthesis.cancel(); speak.textContent = "朗读全文"; return; }
    var utterance = new SpeechSynthesisUtterance(article.innerText);
    utterance.lang = "zh-CN";
    utterance.rate = 0.9;
    utterance.onend = function () { speak.textContent = "朗读全文"; };
    window.speechSynthesis.speak(utterance);
    speak.textContent = "停止朗读";
  });
})();

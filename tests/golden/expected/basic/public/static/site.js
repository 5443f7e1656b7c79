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

  // /led/: each screen's loop plays in place, frame by frame, for as long as each frame holds on the screen.
  var loops = document.querySelectorAll(".led-loop");
  for (var n = 0; n < loops.length; n++) { play(loops[n]); }
  function play(figure) {
    var files = figure.getAttribute("data-files").split("|"), ms = figure.getAttribute("data-ms").split("|");
    var titles = figure.getAttribute("data-titles").split("|"), base = figure.getAttribute("data-base");
    var img = figure.querySelector("img"), caption = figure.querySelector("figcaption"), at = 0;
    if (files.length < 2 || (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches)) { return; }
    function next() {
      at = (at + 1) % files.length;
      img.src = base + files[at];
      img.alt = titles[at];
      caption.textContent = titles[at] + " · " + (ms[at] / 1000) + " 秒";
      setTimeout(next, +ms[at]);
    }
    setTimeout(next, +ms[0]);
  }

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

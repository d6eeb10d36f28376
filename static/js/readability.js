/* Live readability for every Markdown field in the admin: Flesch reading ease and
   reading time, recomputed as the editor types. Same rules as healthhub/readability.py;
   Markdown syntax is stripped roughly here, so the figure may differ slightly from
   the one computed on save. Loaded as a file (no inline script), so it works under a strict CSP. */
(function () {
  "use strict";
  var WORDS_PER_MINUTE = 200;
  var WORD = /[A-Za-zÀ-ÿ]+(?:['’][A-Za-z]+)?|\d+(?:[.,]\d+)*/g;
  var HAS_WORD = /[A-Za-zÀ-ÿ0-9]/;
  var BANDS = [[80, "easy"], [60, "plain English"], [50, "fairly difficult"], [30, "difficult"], [-1000, "very difficult"]];

  function plain(markdown) {
    return markdown
      .replace(/!\[[^\]]*\]\([^)]*\)/g, " ")          // images
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")         // links keep their text
      .replace(/<[^>]*>/g, " ")                        // stray HTML
      .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, "\n") // headings, quotes, list items end a sentence
      .replace(/[*_`~]/g, "");
  }

  function syllables(word) {
    word = word.toLowerCase();
    if (/^\d/.test(word)) { return 1; }
    var count = (word.match(/[aeiouy]+/g) || []).length;
    if (/e$/.test(word) && !/(le|ee)$/.test(word) && count > 1) { count -= 1; }
    return Math.max(count, 1);
  }

  function measure(markdown) {
    var text = plain(markdown);
    var words = text.match(WORD) || [];
    if (!words.length) { return null; }
    var sentences = text.split(/[.!?]+(?:\s|$)|\n\s*\n/).filter(function (part) { return HAS_WORD.test(part); });
    var total = words.reduce(function (sum, word) { return sum + syllables(word); }, 0);
    var score = 206.835 - 1.015 * (words.length / Math.max(sentences.length, 1)) - 84.6 * (total / words.length);
    return { words: words.length, score: Math.round(score * 10) / 10, minutes: Math.max(1, Math.round(words.length / WORDS_PER_MINUTE)) };
  }

  function describe(result) {
    if (!result) { return "Readability: no text yet."; }
    var label = BANDS.filter(function (band) { return result.score >= band[0]; })[0][1];
    return "Readability: " + result.score + " (" + label + "; 60 or more is plain English) · " +
      result.words + " words · about " + result.minutes + " min to read.";
  }

  function attach(textarea) {
    if (textarea.dataset.readability) { return; }
    textarea.dataset.readability = "on";
    var output = document.createElement("p");
    output.className = "readability-live";
    output.setAttribute("aria-live", "polite");
    var editor = textarea.closest(".markdownx") || textarea;
    editor.parentNode.insertBefore(output, editor.nextSibling);
    var timer = null;
    function update() { output.textContent = describe(measure(textarea.value)); }
    textarea.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 300); });
    update();
  }

  function attachAll() {
    document.querySelectorAll("textarea.markdownx-editor").forEach(function (textarea) {
      if (!/__prefix__/.test(textarea.name)) { attach(textarea); }
    });
  }

  document.addEventListener("DOMContentLoaded", attachAll);
  // Inline rows added with "Add another" get their own counter.
  document.addEventListener("formset:added", attachAll);
}());

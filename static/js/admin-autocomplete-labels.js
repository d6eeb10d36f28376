// Django's autocomplete fields (select2) render a combobox without an accessible
// name; give each the text of the field's own <label> so screen readers announce it.
(function () {
  "use strict";
  function name(select) {
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (!label || !select.parentElement) return;
    var text = label.textContent.replace(/:\s*$/, "").trim();
    // The combobox and the read-only text box inside it both need the name.
    select.parentElement.querySelectorAll(".select2-selection, .select2-selection__rendered").forEach(function (el) {
      if (!el.hasAttribute("aria-label")) el.setAttribute("aria-label", text);
    });
  }
  function all() {
    document.querySelectorAll("select.admin-autocomplete").forEach(name);
  }
  window.addEventListener("load", all);
  // Inline rows added later get their widgets when the row appears.
  document.addEventListener("formset:added", function () { setTimeout(all, 0); });
})();

// Suggests existing tags for the last comma-separated entry of an admin tag field.
// Without JavaScript the field is a plain comma-separated text input.
(function () {
  "use strict";
  function setup(input) {
    var list = document.getElementById(input.id + "-suggestions");
    if (!list) return;
    var timer = null;
    var lastQuery = "";

    function current() {
      var parts = input.value.split(",");
      return parts[parts.length - 1].trim();
    }
    function choose(name) {
      var parts = input.value.split(",");
      parts[parts.length - 1] = " " + name;
      input.value = parts.join(",").replace(/^\s+/, "") + ", ";
      list.hidden = true;
      input.focus();
    }
    function show(names) {
      list.innerHTML = "";
      names.forEach(function (name) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = name;
        button.addEventListener("click", function () { choose(name); });
        item.appendChild(button);
        list.appendChild(item);
      });
      list.hidden = names.length === 0;
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var query = current();
        if (query === lastQuery) return;
        lastQuery = query;
        if (query.length < 1) { show([]); return; }
        fetch(input.dataset.autocompleteUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { show(data.results || []); })
          .catch(function () { show([]); });
      }, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") list.hidden = true;
      if (event.key === "ArrowDown" && !list.hidden) {
        var first = list.querySelector("button");
        if (first) { event.preventDefault(); first.focus(); }
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input.tag-autocomplete").forEach(setup);
  });
})();

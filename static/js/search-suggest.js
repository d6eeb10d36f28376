// Suggests tag names in the search page's fields as visitors type.
// Without JavaScript, or when suggestions cannot be fetched, the fields are
// plain inputs and the form works the same.
(function () {
  "use strict";
  var MIN_LENGTH = 2;
  var DELAY_MS = 200;

  function setup(input, index) {
    var list = document.createElement("datalist");
    list.id = "search-suggestions-" + index;
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);
    var timer = null;
    var lastQuery = "";

    function show(names) {
      list.textContent = "";
      names.slice(0, 10).forEach(function (name) {
        var option = document.createElement("option");
        option.value = String(name);
        list.appendChild(option);
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var query = input.value.trim();
        if (query === lastQuery) return;
        lastQuery = query;
        if (query.length < MIN_LENGTH) { show([]); return; }
        fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" }
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            var names = (data && data.results) || [];
            // Accept plain names or objects with a name.
            show(names.map(function (item) { return typeof item === "string" ? item : item.name; }).filter(Boolean));
          })
          .catch(function () { show([]); });
      }, DELAY_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest-url]").forEach(setup);
  });
})();

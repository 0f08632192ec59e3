/* The collectivité picker as an ARIA 1.2 combobox (list autocomplete).
   The input fetches its options with HTMX; this script adds the keyboard: Down/Up move through
   the options (aria-activedescendant, so the focus stays in the input and screen readers read
   the option), Enter opens the chosen one, Escape closes the list. Without JavaScript the form
   is a plain search whose results are links. */
(function () {
  "use strict";

  function setup(form) {
    var input = form.querySelector("[role=combobox]");
    var results = form.querySelector(".combobox-results");
    if (!input || !results) return;
    var active = -1;

    function options() {
      return Array.prototype.slice.call(results.querySelectorAll("[role=option]"));
    }
    function refresh() {
      var list = options();
      input.setAttribute("aria-expanded", list.length ? "true" : "false");
      active = -1;
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      var list = options();
      if (!list.length) return;
      active = (index + list.length) % list.length;
      list.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
        option.classList.toggle("is-active", i === active);
      });
      input.setAttribute("aria-activedescendant", list[active].id);
      list[active].scrollIntoView({ block: "nearest" });
    }
    function close() {
      results.innerHTML = "";
      refresh();
    }

    input.addEventListener("keydown", function (event) {
      var list = options();
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter" && active >= 0 && list[active]) {
        event.preventDefault();
        window.location.href = list[active].getAttribute("data-href");
      } else if (event.key === "Escape" && list.length) {
        event.preventDefault();
        close();
      }
    });
    results.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) {
        event.preventDefault();
        window.location.href = option.getAttribute("data-href");
      }
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.target === results) refresh();
    });
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-combobox]").forEach(setup);
  });
})();

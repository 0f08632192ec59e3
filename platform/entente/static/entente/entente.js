/* Entente: small enhancements; every page works without them. */
(function () {
  "use strict";
  /* The tenant switcher is a native <details>: Enter or Space opens it. Escape closes it and
     gives the focus back to its button; a click elsewhere closes it too. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details[data-tenant-switcher][open]").forEach(function (details) {
      var hadFocus = details.contains(document.activeElement);
      details.open = false;
      if (hadFocus) details.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details[data-tenant-switcher][open]").forEach(function (details) {
      if (!details.contains(event.target)) details.open = false;
    });
  });
})();

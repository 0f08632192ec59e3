/* Entente: small enhancements; every page works without them. */
(function () {
  "use strict";
  /* The tenant switcher and the account and administration menus are native <details>: Enter
     or Space opens one. Escape closes it and gives the focus back to its button; a click
     elsewhere closes it too. */
  var MENUS = "details[data-tenant-switcher][open], details[data-account-menu][open], " +
    "details[data-admin-menu][open]";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(MENUS).forEach(function (details) {
      var hadFocus = details.contains(document.activeElement);
      details.open = false;
      if (hadFocus) details.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll(MENUS).forEach(function (details) {
      if (!details.contains(event.target)) details.open = false;
    });
  });
  /* Copy buttons (e-mail → task addresses): hidden without JS, where the field stays
     selectable; with it, one click copies and says so to screen readers too. */
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      if (!field) return;
      field.select();
      var done = function () {
        button.textContent = button.getAttribute("data-copied");
        button.setAttribute("aria-live", "polite");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          if (document.execCommand("copy")) done();
        });
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  });
  /* Task labels carry their colours as data attributes: the Content-Security-Policy refuses
     inline styles, not styles set through the CSSOM. Painted on load and after each htmx swap;
     without JS a label keeps its name on the default colours. */
  function paintLabels(root) {
    root.querySelectorAll("[data-label-color]").forEach(function (label) {
      label.style.backgroundColor = label.getAttribute("data-label-color");
      label.style.color = label.getAttribute("data-label-text-color") || "";
    });
  }
  paintLabels(document);
  document.addEventListener("htmx:afterSettle", function (event) {
    paintLabels(event.target);
  });
  /* A wide table scrolls inside its wrapper on a small screen: then, and only then, the
     wrapper takes the keyboard focus (arrows scroll it) and is named after the table's
     caption or heading, so that keyboard and screen reader users reach what is hidden. */
  function tableName(wrapper) {
    var table = wrapper.querySelector("table");
    var caption = table && table.querySelector("caption");
    if (caption) return caption.textContent.trim();
    var labelledBy = table && table.getAttribute("aria-labelledby");
    var title = labelledBy && document.getElementById(labelledBy);
    if (title) return title.textContent.trim();
    for (var node = wrapper.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) return node.textContent.trim();
    }
    return document.title;
  }
  function focusScrollingTables(root) {
    root.querySelectorAll(".table-wrapper").forEach(function (wrapper) {
      if (wrapper.scrollWidth > wrapper.clientWidth + 1) {
        wrapper.setAttribute("tabindex", "0");
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", tableName(wrapper));
      } else if (wrapper.getAttribute("role") === "region") {
        wrapper.removeAttribute("tabindex");
        wrapper.removeAttribute("role");
        wrapper.removeAttribute("aria-label");
      }
    });
  }
  focusScrollingTables(document);
  window.addEventListener("resize", function () { focusScrollingTables(document); });
  document.addEventListener("htmx:afterSettle", function (event) {
    focusScrollingTables(event.target);
  });
})();

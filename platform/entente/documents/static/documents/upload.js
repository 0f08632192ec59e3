/* Drag and drop with a progress bar, over the plain upload form (which works without it).
 * Ours, no dependency: the form is sent as it is (same fields, same CSRF token) with
 * XMLHttpRequest, whose upload events give the progress; the answer's page then replaces
 * this one, so errors and « nouvelle version / garder les deux » read as without JavaScript. */
(function () {
  "use strict";
  document.querySelectorAll("form.document-upload").forEach(function (form) {
    var zone = form.querySelector("[data-drop-zone]");
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector("[data-progress]");
    var status = form.querySelector("[data-status]");
    if (!zone || !input || !bar || !window.FormData) return;
    zone.hidden = false;
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("is-over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("is-over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        send();
      }
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); send(); });

    function send() {
      if (!input.files.length) { status.textContent = "Choisissez au moins un fichier."; return; }
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      bar.hidden = false;
      bar.value = 0;
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          bar.value = Math.round((event.loaded / event.total) * 100);
          status.textContent = "Envoi : " + bar.value + " %";
        }
      });
      request.addEventListener("load", function () {
        if (request.status < 400 && request.responseURL) {
          window.location.assign(request.responseURL);
        } else {
          document.open();
          document.write(request.responseText);
          document.close();
        }
      });
      request.addEventListener("error", function () {
        status.textContent = "Le dépôt a échoué : vérifiez la connexion et réessayez.";
      });
      request.send(new FormData(form));
    }
  });
})();

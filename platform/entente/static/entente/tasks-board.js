/* The task board: drag a card onto a column to move it. Progressive enhancement only: each card
   keeps its « Déplacer vers… » form (keyboard, no JavaScript), and a drop simply fills that
   form and submits it, so both paths go through the same HTMX request and server checks. */
(function () {
  "use strict";
  var dragged = null;

  function column(target) {
    return target && target.closest ? target.closest(".task-column") : null;
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".task-card[draggable=true]");
    if (!card) return;
    dragged = card;
    card.classList.add("task-card--dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.taskId);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("task-card--dragging");
    dragged = null;
    document.querySelectorAll(".task-column--over").forEach(function (el) {
      el.classList.remove("task-column--over");
    });
  });

  document.addEventListener("dragover", function (event) {
    var target = column(event.target);
    if (!dragged || !target) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    target.classList.add("task-column--over");
  });

  document.addEventListener("dragleave", function (event) {
    var target = column(event.target);
    if (target && !target.contains(event.relatedTarget)) target.classList.remove("task-column--over");
  });

  document.addEventListener("drop", function (event) {
    var target = column(event.target);
    if (!dragged || !target) return;
    event.preventDefault();
    var form = dragged.querySelector("form.task-move");
    var select = form && form.querySelector("select[name=status]");
    if (!select || select.value === target.dataset.status) return;
    select.value = target.dataset.status;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });

  /* After HTMX replaces the board, give the focus back to the moved card's menu. */
  document.addEventListener("htmx:afterSwap", function (event) {
    var form = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt;
    var id = form && form.closest && form.action ? form.action.match(/taches\/(\d+)\//) : null;
    if (!id) return;
    var select = document.getElementById("deplacer-" + id[1]);
    if (select) select.focus();
  });
})();

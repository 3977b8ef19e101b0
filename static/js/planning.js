// Plan grid keyboard: Enter saves and moves down, arrows move between cells, Alt+N opens the cell panel.
// Saving is the input's "change" event (htmx posts the cell); Enter must not also submit anything.
(function () {
  "use strict";
  var lastCell = null;

  function cellAt(el, dRow, dCol) {
    var td = el.closest("td");
    var tr = td.parentElement;
    var col = Array.prototype.indexOf.call(tr.children, td);
    var rows = Array.prototype.slice.call(tr.parentElement.children);
    var r = rows.indexOf(tr) + dRow;
    if (r < 0 || r >= rows.length) return null;
    var next = rows[r].children[col + dCol];
    return next ? next.querySelector(".cell-input, .cell-value") : null;
  }

  // The panel URL is the grid's cell URL plus the cell's coordinates (kept in hx-vals / data-cell).
  function openPanel(el) {
    if (!el || !window.htmx) return;
    var td = el.closest("td");
    var table = el.closest("table");
    var holder = td && td.querySelector("[hx-vals], [data-cell]");
    if (!holder || !table) return;
    var cell = JSON.parse(holder.getAttribute("hx-vals") || holder.getAttribute("data-cell"));
    var query = ["product", "customer", "facility", "week"].map(function (k) {
      return k + "=" + encodeURIComponent(cell[k]);
    }).join("&");
    window.htmx.ajax("GET", table.dataset.cellUrl + "?" + query, { target: "#cell-panel", swap: "innerHTML" });
  }

  document.addEventListener("focusin", function (ev) {
    var el = ev.target;
    if (el.classList && (el.classList.contains("cell-input") || el.classList.contains("cell-value"))) lastCell = el;
  });

  document.addEventListener("click", function (ev) {
    var el = ev.target;
    if (el.id === "open-cell-panel") openPanel(lastCell);
    else if (el.classList && el.classList.contains("cell-note")) openPanel(el);
  });

  document.addEventListener("keydown", function (ev) {
    var el = ev.target;
    if (!el.classList || !(el.classList.contains("cell-input") || el.classList.contains("cell-value"))) return;
    if ((ev.key === "n" || ev.key === "N") && ev.altKey) { ev.preventDefault(); openPanel(el); return; }
    if (ev.key === "Enter" && el.classList.contains("cell-value")) { ev.preventDefault(); openPanel(el); return; }
    var isInput = el.classList.contains("cell-input");
    var move = null;
    if (ev.key === "Enter") { ev.preventDefault(); move = ev.shiftKey ? [-1, 0] : [1, 0]; }
    else if (ev.key === "ArrowDown") move = [1, 0];
    else if (ev.key === "ArrowUp") move = [-1, 0];
    else if (ev.key === "ArrowRight" && (!isInput || el.selectionStart === el.value.length)) move = [0, 1];
    else if (ev.key === "ArrowLeft" && (!isInput || el.selectionStart === 0)) move = [0, -1];
    if (!move) return;
    var next = cellAt(el, move[0], move[1]);
    if (next) {
      ev.preventDefault();
      next.focus();
      if (next.select) next.select();
    } else if (ev.key === "Enter" && isInput) {
      el.blur();
    }
  });

  // After a refused save the swapped-in cell takes the focus back, so the message is read out.
  document.addEventListener("htmx:afterSettle", function (ev) {
    var target = ev.detail.target;
    if (target && target.id === "cell-panel") return;
    var refused = document.querySelector("td.cell-error .cell-input[aria-invalid]");
    if (refused && ev.detail.xhr && ev.detail.xhr.status >= 400) refused.focus();
  });
})();

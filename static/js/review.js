// The review entry page saves a row once, when the row is left (issue 18
// item 5): a change of level, score, conditions or remarks marks the row;
// focus leaving the row (Tab to the next row, a click elsewhere) sends the
// row as one htmx POST, answered by the row and the checks out of band.
// Saving on every change cost a request per field and per arrow key in a
// level list, and swapped the row under the user's fingers while they
// typed in it. The page's other forms (submit, copy last year) wait until
// every row is saved, so a submission never overtakes a row's save.
(function () {
  "use strict";
  var inflight = 0;

  function rowOf(el) {
    return el && el.closest ? el.closest("tr[data-row]") : null;
  }

  function save(row) {
    if (row.hasAttribute("data-dirty")) {
      row.removeAttribute("data-dirty");
      row.dispatchEvent(new CustomEvent("rowsave", { bubbles: false }));
    }
  }

  function mark(event) {
    var row = rowOf(event.target);
    if (row) row.setAttribute("data-dirty", "");
  }
  document.addEventListener("change", mark);
  document.addEventListener("input", mark);

  document.addEventListener("focusout", function (event) {
    var row = rowOf(event.target);
    if (!row || row.contains(event.relatedTarget)) return;
    save(row);
  });

  // Counted on the request itself: the row that sent it is swapped out of
  // the page before htmx's own after-request event, which then never
  // reaches the document.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!rowOf(event.detail.elt)) return;
    inflight += 1;
    event.detail.xhr.addEventListener("loadend", function () {
      inflight = Math.max(0, inflight - 1);
    });
  });

  function pending() {
    return inflight > 0 || document.querySelector("tr[data-row][data-dirty]");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id === "entry-form" || !document.querySelector("tr[data-row]")) return;
    if (!pending()) return;
    event.preventDefault();
    document.querySelectorAll("tr[data-row][data-dirty]").forEach(save);
    var waited = 0;
    var timer = setInterval(function () {
      waited += 100;
      if (inflight === 0 || waited > 15000) {
        clearInterval(timer);
        form.submit();
      }
    }, 100);
  }, true);
})();

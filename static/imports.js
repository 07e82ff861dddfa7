// Keyboard shortcuts and focus handling for the import wizard's review card.
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select" || target.isContentEditable) return true;
    return tag === "input" && !["radio", "checkbox", "button", "submit"].includes(target.type);
  }

  function click(id) {
    var el = document.getElementById(id);
    if (el && !el.disabled) { el.click(); return true; }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    // Enter in the card's search box searches; it must not add the proposed film.
    if (event.key === "Enter" && target && target.id === "card-search") {
      event.preventDefault();
      return;
    }
    if (typing(target)) return;
    if (/^[1-5]$/.test(event.key)) {
      var star = document.getElementById("rating-" + event.key);
      if (star) { star.checked = true; star.focus(); event.preventDefault(); }
    } else if (event.key === "Enter") {
      var tag = target && target.tagName ? target.tagName.toLowerCase() : "";
      if (tag === "button" || tag === "a" || tag === "summary") return;
      if (click("add-button")) event.preventDefault();
    } else if (event.key === "s" || event.key === "S") {
      if (click("skip-button")) event.preventDefault();
    } else if (event.key === "u" || event.key === "U") {
      if (click("undo-button")) event.preventDefault();
    }
  });

  // The card's search box is swapped in with each card; typing right after a swap can come
  // before htmx has wired the new input up. A listener on the document never misses it.
  var searchTimer;
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box || box.id !== "card-search") return;
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { htmx.trigger(box, "card-search"); }, 300);
  });

  // After htmx swaps in a new card (or the summary), move focus to its heading so keyboard
  // and screen-reader users land on the new content.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!event.detail || !event.detail.target || event.detail.target.id !== "wizard-stage") return;
    var heading = document.getElementById("card-title") || document.getElementById("complete-heading");
    if (heading && document.getElementById("wizard-stage").contains(heading)) heading.focus();
  });
})();

// Keyboard shortcuts and focus handling for the import wizard's review card, and matching
// that carries on by itself after a failed request.
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

  // Each match POST's answer brings the section that sends the next one. A POST that fails on
  // the way (a worker restart, a proxy's 502, a dropped or hung connection) swaps nothing, so
  // matching would stop for good with the bar frozen. Send it again from the same section after
  // a growing pause; the first answer that gets through replaces the section, note included.
  var RETRY_SECONDS = [2, 4, 8, 15];

  function retryNote(section) {
    var note = section.querySelector(".retry-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "message warning retry-note";
      note.setAttribute("role", "status");
      section.insertBefore(note, section.querySelector("form"));
    }
    return note;
  }

  function retryMatching(event) {
    var elt = event.detail && event.detail.elt;
    var section = elt && elt.closest ? elt.closest("section.matching") : null;
    if (!section) return;
    var xhr = event.detail.xhr;
    // A 4xx is the server's real answer (another user's session is a 404): asking again
    // would get the same one, so leave it to the "Continue matching" button.
    if (event.type === "htmx:responseError" && xhr && xhr.status > 0 && xhr.status < 500) return;
    var attempt = Number(section.getAttribute("data-retries") || 0);
    var seconds = RETRY_SECONDS[Math.min(attempt, RETRY_SECONDS.length - 1)];
    section.setAttribute("data-retries", attempt + 1);
    var note = retryNote(section);
    note.textContent = "Lost contact with the server; trying again in " + seconds + " seconds…";
    setTimeout(function () {
      if (!section.isConnected) return;
      note.textContent = "Lost contact with the server; trying again now…";
      // htmx.ajax from the section sends what its load trigger sent: the body's CSRF header,
      // the stage as target, the section's timeout. A failure lands back here; the returned
      // promise rejecting as well is no news.
      htmx.ajax("POST", section.getAttribute("hx-post"), { source: section })
        .catch(function () {});
    }, seconds * 1000);
  }

  document.addEventListener("htmx:responseError", retryMatching);
  document.addEventListener("htmx:sendError", retryMatching);
  document.addEventListener("htmx:timeout", retryMatching);

  // After htmx swaps in a new card (or the summary), move focus to its heading so keyboard
  // and screen-reader users land on the new content.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!event.detail || !event.detail.target || event.detail.target.id !== "wizard-stage") return;
    var heading = document.getElementById("card-title") || document.getElementById("complete-heading");
    if (heading && document.getElementById("wizard-stage").contains(heading)) heading.focus();
  });
})();

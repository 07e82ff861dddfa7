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

  // Review as a list ---------------------------------------------------------------------
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#review-list tr[data-row]")); }

  function currentRow() {
    var active = document.activeElement;
    return active && active.closest ? active.closest("#review-list tr[data-row]") : null;
  }

  function focusRow(row) {
    if (!row) return false;
    row.focus();
    row.scrollIntoView({ block: "nearest" });
    return true;
  }

  // The next row after `row` (or the first) that still waits for a decision, else any next row.
  function nextRow(row, step) {
    var all = rows(), at = row ? all.indexOf(row) : -1;
    for (var i = at + step; i >= 0 && i < all.length; i += step) {
      if (all[i].classList.contains("pending")) return all[i];
    }
    return all[at + step] || null;
  }

  function listKeys(event) {
    var key = event.key, row = currentRow();
    // In the bulk rating group the arrows move between its stars as usual, and 1–5 pick one.
    var bulk = event.target.closest ? event.target.closest("#bulk-form") : null;
    if (bulk) {
      var choice = /^[1-5]$/.test(key) && bulk.querySelector('input[name="rating"][value="' + key + '"]');
      if (choice) { choice.checked = true; choice.focus(); event.preventDefault(); }
      return;
    }
    if (key === "ArrowDown" || key === "j" || key === "ArrowUp" || key === "k") {
      var step = key === "ArrowDown" || key === "j" ? 1 : -1;
      var all = rows(), at = row ? all.indexOf(row) : -1;
      if (focusRow(all[at + step] || (row ? null : all[0]))) event.preventDefault();
      return;
    }
    if (key === "u" || key === "U") {
      if (click("undo-button")) event.preventDefault();
      return;
    }
    if (!row || !row.classList.contains("pending")) return;
    if (/^[1-5]$/.test(key)) {
      var star = row.querySelector('input[name="rating"][value="' + key + '"]');
      if (star) {
        event.preventDefault();
        star.checked = true;
        rate(star);
        focusRow(nextRow(row, 1));
      }
    } else if (key === "s" || key === "S") {
      var skip = row.querySelector("[data-skip]");
      if (skip) {
        event.preventDefault();
        focusRow(nextRow(row, 1));
        skip.click();
      }
    }
  }

  // Stars in a row add it at once: the row's form is sent by htmx on a "rate" event.
  function rate(star) {
    if (star.form && star.form.id.indexOf("row-form-") === 0) htmx.trigger(star.form, "rate");
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input && input.name === "rating" && input.closest("#review-list tr[data-row]")) rate(input);
  });

  // "Add all High matches" asks first, in the page's own dialog, with the rating chosen.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest ? event.target.closest("[data-dialog]") : null;
    if (opener) {
      // The button asks the server for a confirmation page without JavaScript; here, the dialog.
      event.preventDefault();
      var form = opener.form, chosen = form.querySelector('input[name="rating"]:checked');
      var group = form.querySelector("fieldset"), error = form.querySelector(".field-error");
      if (!chosen) {
        group.classList.add("invalid");
        group.setAttribute("aria-invalid", "true");
        error.textContent = "Choose the rating for all High matches first.";
        form.querySelector('input[name="rating"]').focus();
        return;
      }
      group.classList.remove("invalid");
      group.removeAttribute("aria-invalid");
      error.textContent = "";
      var dialog = document.getElementById(opener.getAttribute("data-dialog"));
      dialog.querySelector(".bulk-stars").textContent = chosen.value + (chosen.value === "1" ? " star" : " stars");
      dialog.showModal();
      return;
    }
    var closer = event.target.closest ? event.target.closest("[data-close-dialog]") : null;
    if (closer) closer.closest("dialog").close();
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (document.getElementById("review-list")) {
      if (!typing(target) && !(target.closest && target.closest("dialog"))) listKeys(event);
      return;
    }
    // Enter in the card's search box searches; it must not add the proposed film.
    if (event.key === "Enter" && target && target.id === "card-search") {
      event.preventDefault();
      return;
    }
    // ↓ from the search box goes to its results, which sit right below it.
    if (event.key === "ArrowDown" && target && target.id === "card-search") {
      var first = document.querySelector("#search-choices input[type=radio]");
      if (first) { event.preventDefault(); first.focus(); }
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

  // With a fast server the first click of a double click on Add or Skip brings the next card
  // before the second click, which would then decide that card (or ask it for a rating) unseen.
  // The second click of a double click (or the third of a triple) decides nothing; caught
  // before htmx sees it, on its way down to the button.
  window.addEventListener("click", function (event) {
    if (event.detail < 2 || !event.target.closest) return;
    if (event.target.closest("#add-button, #skip-button")) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

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
      section.insertBefore(note, section.querySelector(":scope > form, :scope > noscript"));
    }
    return note;
  }

  // While matching runs by itself its plain form waits in a <noscript>; it comes out when
  // the page stops sending. (A swapped-in noscript holds elements, the first page's holds
  // text: either way its innerHTML is the form.)
  function showContinueButton(section) {
    var fallback = section.querySelector(":scope > noscript.continue-matching");
    if (fallback) fallback.outerHTML = fallback.innerHTML;
  }

  function retryMatching(event) {
    var elt = event.detail && event.detail.elt;
    var section = elt && elt.closest ? elt.closest("section.matching") : null;
    if (!section) return;
    var xhr = event.detail.xhr;
    // A 4xx is the server's real answer (another user's session is a 404): asking again
    // would get the same one, so leave it to the "Continue matching" button, which shows it.
    if (event.type === "htmx:responseError" && xhr && xhr.status > 0 && xhr.status < 500) {
      showContinueButton(section);
      return;
    }
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

  // The list opens on the first film still to decide.
  document.addEventListener("DOMContentLoaded", function () {
    if (document.getElementById("review-list")) focusRow(nextRow(null, 1));
  });

  // A swapped row takes the focus with it; give it to the row that now stands there, unless
  // the keyboard has already moved on. A swapped list (bulk step, undo) starts at its top.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !document.getElementById("review-list")) return;
    if (document.activeElement && document.activeElement !== document.body && document.contains(document.activeElement)) return;
    if (target.id && target.id.indexOf("row-") === 0) {
      focusRow(document.getElementById(target.id));
    } else {
      var heading = document.getElementById("complete-heading");
      if (heading) heading.focus(); else focusRow(nextRow(null, 1));
    }
  });

  // After htmx swaps in a new card (or the summary), move focus to its heading so keyboard
  // and screen-reader users land on the new content.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!event.detail || !event.detail.target || event.detail.target.id !== "wizard-stage") return;
    var stage = document.getElementById("wizard-stage");
    var heading = document.getElementById("card-title") || document.getElementById("complete-heading");
    if (heading && stage.contains(heading)) heading.focus();
  });
})();

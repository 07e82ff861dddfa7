// Behaviour every page needs, kept out of the HTML: the Content-Security-Policy runs no inline
// handlers, so a broken image is dealt with here.
(function () {
  "use strict";

  // error events do not bubble; a capturing listener on the document sees every image's,
  // including those of cards htmx swaps in later.
  document.addEventListener("error", function (event) {
    var img = event.target;
    if (!img || img.tagName !== "IMG") return;
    if (img.classList.contains("prime-image")) {
      img.hidden = true;
    } else if (img.classList.contains("poster")) {
      // rankings/_poster.html puts the film's tile, hidden, right after its poster.
      var tile = img.nextElementSibling;
      if (!tile || !tile.classList.contains("tile")) return;
      img.hidden = true;
      tile.hidden = false;
    }
  }, true);
})();

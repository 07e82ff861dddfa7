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
      // The same tile rankings/_poster.html draws for a film without a poster.
      var tile = document.createElement("span");
      tile.className = "poster placeholder";
      tile.setAttribute("aria-hidden", "true");
      tile.textContent = img.getAttribute("data-initial") || "";
      img.replaceWith(tile);
    }
  }, true);
})();

/* What every page does better with JavaScript (loaded by base.html, deferred). Every
 * page works without it. No inline script, no build step.
 *
 * A table that may be wider than the screen is in a box that scrolls sideways
 * ({% table_scroll %}, core/templatetags/onewindow.py). The server makes each box a
 * region that takes the focus, so that keyboard users can scroll it with the arrow
 * keys; while its table fits, that is one useless Tab stop (and landmark) per table.
 * Here a box is a focusable region only while its table overflows it, checked again
 * whenever the box or the table changes size (a narrower window, a zoom, a late
 * font). Without this script, or a browser without ResizeObserver, every box stays a
 * stop: a box too many, never one the keyboard cannot scroll.
 */
(function () {
  "use strict";

  var boxes = document.querySelectorAll(".table-scroll");
  if (!boxes.length || typeof window.ResizeObserver !== "function") {
    return;
  }
  // Each box's name (the id of its caption or heading), as the server gave it: an
  // element without a role may not be named (ARIA), so it goes with the role.
  var names = new Map();

  function fit(box) {
    if (box.scrollWidth > box.clientWidth) {
      box.setAttribute("role", "region");
      box.setAttribute("tabindex", "0");
      if (names.get(box)) {
        box.setAttribute("aria-labelledby", names.get(box));
      }
    } else {
      box.removeAttribute("role");
      box.removeAttribute("tabindex");
      box.removeAttribute("aria-labelledby");
    }
  }

  // The box's own size changes with the window; its table's with what it holds.
  var observer = new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var box = entry.target.closest(".table-scroll");
      if (box) {
        fit(box);
      }
    });
  });
  boxes.forEach(function (box) {
    names.set(box, box.getAttribute("aria-labelledby"));
    fit(box);  // at once: the observer's first report comes a frame later
    observer.observe(box);
    if (box.firstElementChild) {
      observer.observe(box.firstElementChild);
    }
  });
})();

/* A page sent back with errors has its error summary marked autofocus, so that the
 * focus (and a screen reader) starts there. Browsers skip autofocus when the address
 * has a #fragment naming an element (HTML's rule: the reader asked for that place) and
 * go there instead, and a form sent to its own page (no action) keeps the address's
 * fragment: the skip link's #main, or an error summary's link to a field, which then
 * took the focus while the new summary sat unread above it. Such a form is sent to its
 * page's address without the fragment.
 */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && !form.getAttribute("action") && window.location.hash) {
      form.setAttribute("action", window.location.pathname + window.location.search);
    }
  }, true);
})();

// jobboard's small progressive-enhancement script. No inline JS anywhere
// (strict CSP): everything the pages do beyond plain HTML is here.
(function () {
  "use strict";

  // Mark that scripts run, so the CSS can tone down the filter form's
  // submit button (htmx applies filters as the reader types).
  document.documentElement.classList.add("js");

  // Fill the filter form's hidden time-zone field with the browser's zone
  // when the URL did not set one, so the next filter change carries it and
  // a shared link means the same instants for every reader. The page is not
  // reloaded just for that.
  function fillZone() {
    var field = document.getElementById("f-tz");
    if (!field || field.value) return;
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone) field.value = zone;
    } catch (e) {
      // No Intl: the server's zone stays in use.
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fillZone);
  } else {
    fillZone();
  }
  // A history restore swaps a whole new body in.
  document.addEventListener("htmx:after:swap", fillZone);
})();

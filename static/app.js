// jobboard's small progressive-enhancement script. No inline JS anywhere
// (strict CSP): everything the pages do beyond plain HTML is here.
(function () {
  "use strict";

  // Mark that scripts run, so the CSS can tone down the filter form's
  // submit button (htmx applies filters as the reader types).
  document.documentElement.classList.add("js");

  // Tell the server the reader's time zone (the tz cookie, read on every
  // page by handlers/zone.go), so that every page, a job page opened from a
  // link included, shows times in it from its first paint.
  function rememberZone() {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {
      return; // no Intl: the server's zone, named on the page, stays in use
    }
    if (!zone || zone.length > 64) return;
    var have = document.cookie.match(/(?:^|;\s*)tz=([^;]*)/);
    if (have && decodeURIComponent(have[1]) === zone) return;
    document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax" +
      (location.protocol === "https:" ? "; secure" : "");
  }
  rememberZone();

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

// --- Live refresh ----------------------------------------------------------
// Polling contract (shared with the job page): an element with data-poll refreshes itself through its
// own htmx attributes (hx-get of the same state, hx-trigger="jobboard:poll",
// hx-swap="outerMorph", no history push). The server emits data-poll only
// while the content holds Preparing, Running or Stopping jobs, so polling
// stops by itself with the swap that shows them finished. The interval
// comes from <meta name="jobboard-poll" content="seconds">. No poll is sent
// while the tab is hidden or a <dialog> is open; showing the tab polls at
// once. Elements with data-updated-at show "Updated 3 s ago" (texts from
// their data-text-* attributes, rendered by the server from the catalog).
// Rows/elements with data-job-id and data-status that changed in a swap
// get the class status-changed.
(function () {
  "use strict";

  function intervalMs() {
    var meta = document.querySelector('meta[name="jobboard-poll"]');
    var secs = meta ? parseFloat(meta.getAttribute("content")) : NaN;
    return secs > 0 ? secs * 1000 : 5000;
  }

  function poll() {
    if (document.visibilityState !== "visible") return;
    if (document.querySelector("dialog[open]")) return;
    var regions = document.querySelectorAll("[data-poll]");
    for (var i = 0; i < regions.length; i++) {
      if (regions[i].classList.contains("htmx-request")) continue;
      regions[i].dispatchEvent(new CustomEvent("jobboard:poll"));
    }
  }

  var timer = null;
  function schedule() {
    if (timer !== null) clearInterval(timer);
    timer = setInterval(poll, intervalMs());
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      poll();
      schedule(); // a full interval after the catch-up poll
    }
  });

  // "Updated 3 s ago", refreshed every second.
  function updatedTexts() {
    var els = document.querySelectorAll("[data-updated-at]");
    var now = Date.now();
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      // Count from when this browser first saw the value, so a server
      // clock that differs from the reader's does not skew the text.
      var stamp = el.getAttribute("data-updated-at");
      if (!stamp || isNaN(Date.parse(stamp))) continue;
      if (el.jobboardStamp !== stamp) {
        el.jobboardStamp = stamp;
        el.jobboardSeen = now;
      }
      var secs = Math.max(0, Math.floor((now - el.jobboardSeen) / 1000));
      var text;
      if (secs < 2) {
        text = el.getAttribute("data-text-now");
      } else if (secs < 120) {
        text = (el.getAttribute("data-text-seconds") || "").replace("{n}", String(secs));
      } else {
        text = (el.getAttribute("data-text-minutes") || "").replace("{n}", String(Math.floor(secs / 60)));
      }
      if (text && el.textContent !== text) el.textContent = text;
    }
  }

  // Status changes: snapshot before a swap, compare after it.
  var before = null;
  function snapshot() {
    var map = {};
    var els = document.querySelectorAll("[data-job-id][data-status]");
    for (var i = 0; i < els.length; i++) {
      map[els[i].getAttribute("data-job-id")] = els[i].getAttribute("data-status");
    }
    return map;
  }
  document.addEventListener("htmx:before:swap", function () {
    before = snapshot();
  });
  document.addEventListener("htmx:after:swap", function () {
    updatedTexts();
    if (!before) return;
    var els = document.querySelectorAll("[data-job-id][data-status]");
    for (var i = 0; i < els.length; i++) {
      var id = els[i].getAttribute("data-job-id");
      var was = before[id];
      if (was !== undefined && was !== els[i].getAttribute("data-status")) {
        var cell = els[i].querySelector(".status-cell") || els[i];
        cell.classList.remove("status-changed");
        void cell.offsetWidth; // restart the animation
        cell.classList.add("status-changed");
      }
    }
    before = null;
  });

  function start() {
    schedule();
    updatedTexts();
    setInterval(updatedTexts, 1000);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// ---- Cancel dialog ------------------------------------------------
// "Cancel job" fetches its confirmation as <dialog data-autoshow> into the
// job page (htmx). Open it as a modal (native focus trap, Esc closes it),
// and when it closes ("Keep running" is a method=dialog button) remove it
// and give focus back to the control that opened it.
(function () {
  "use strict";

  function openDialogs(opener) {
    var dialogs = document.querySelectorAll("dialog[data-autoshow]:not([open])");
    Array.prototype.forEach.call(dialogs, function (dialog) {
      if (typeof dialog.showModal !== "function") return; // stays a plain block
      dialog.addEventListener("close", function () {
        dialog.remove();
        var back = opener && opener.id ? document.getElementById(opener.id) : opener;
        if (back && back.isConnected && typeof back.focus === "function") back.focus();
      }, { once: true });
      dialog.showModal();
    });
  }

  document.addEventListener("htmx:after:swap", function (evt) {
    var ctx = evt.detail && evt.detail.ctx;
    openDialogs(ctx && ctx.sourceElement);
  });
})();

// ---- Language switch and print header ----------------------
// The footer's language switch returns to the page it was rendered for;
// htmx may have moved the page to another URL since (filters, paging), so
// send the current one. When printing, the print-only header's time
// becomes the time of printing (same "2026-11-30 14:32" form in both
// languages).
(function () {
  "use strict";

  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form || form.id !== "lang-switch") return;
    var next = document.getElementById("lang-next");
    if (next && !next.hasAttribute("data-keep")) next.value = location.pathname + location.search;
  });

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }
  window.addEventListener("beforeprint", function () {
    var els = document.querySelectorAll("time[data-print-time]");
    var now = new Date();
    var text = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) +
      " " + pad(now.getHours()) + ":" + pad(now.getMinutes());
    for (var i = 0; i < els.length; i++) {
      els[i].setAttribute("datetime", now.toISOString());
      els[i].textContent = text;
    }
  });
})();

// ---- Failures that speak ---------------------------------------------
// When jobboard itself cannot be reached (a restart, a deploy, the
// network) or does not answer in time, htmx raises htmx:error without a
// response. Then the region the request was for keeps what it showed,
// marked stale, and a message above it says so (role="alert", so screen
// readers announce it) with a Retry button that sends the same request
// again. The typed filters are never touched. The texts come from the
// server (data-offline-text on the region or on <main>, in the reader's
// language). The next answer that is swapped in removes the message.
(function () {
  "use strict";

  var failed = null; // {elt, target}: the request Retry sends again

  function region(target) {
    var el = target && target.closest ? target.closest("[data-offline-text]") : null;
    return el || document.getElementById("main");
  }

  function clear() {
    var old = document.getElementById("offline");
    if (old) old.remove();
    var stale = document.querySelectorAll(".stale");
    for (var i = 0; i < stale.length; i++) {
      stale[i].classList.remove("stale");
    }
    failed = null;
  }

  function retry() {
    var f = failed;
    if (!f || !f.elt || !f.elt.isConnected) {
      location.reload();
      return;
    }
    if (f.elt.hasAttribute("data-poll")) {
      f.elt.dispatchEvent(new CustomEvent("jobboard:poll"));
    } else if (f.elt.tagName === "FORM" && typeof f.elt.requestSubmit === "function") {
      f.elt.requestSubmit();
    } else if (typeof f.elt.click === "function") {
      f.elt.click();
    }
  }

  function show(elt, target) {
    var where = region(target || elt);
    var main = document.getElementById("main");
    if (!where || !main) return;
    failed = { elt: elt, target: target };
    var box = document.getElementById("offline");
    if (!box) {
      box = document.createElement("div");
      box.id = "offline";
      box.className = "offline";
      box.setAttribute("role", "alert");
      var msg = document.createElement("span");
      msg.className = "offline-message";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button-secondary";
      button.id = "offline-retry";
      button.addEventListener("click", retry);
      box.appendChild(msg);
      box.appendChild(document.createTextNode(" "));
      box.appendChild(button);
    }
    box.firstChild.textContent = where.getAttribute("data-offline-text") || main.getAttribute("data-offline-text") || "";
    box.lastChild.textContent = main.getAttribute("data-offline-retry") || "Retry";
    if (where === main) {
      if (box.parentNode !== main) main.insertBefore(box, main.firstChild);
    } else {
      if (box.nextSibling !== where) where.parentNode.insertBefore(box, where);
      where.classList.add("stale");
    }
  }

  document.addEventListener("htmx:error", function (evt) {
    var ctx = evt.detail && evt.detail.ctx;
    // Only failures without an answer: network errors and timeouts. An
    // answer with an error status is swapped in like any page.
    if (!ctx || ctx.response) return;
    show(ctx.sourceElement || evt.target, ctx.target);
  });
  document.addEventListener("htmx:after:swap", clear);
})();

// ---- Share links, Copy buttons and preset ranges -----------------------
// A [data-copy] button copies the address of the element it names (its
// href, made absolute by the browser) and says "Copied" in the live region
// named by data-copy-status. The buttons are hidden in the HTML and shown
// only where the Clipboard API exists, so without it the links stay plain,
// selectable text; a refused copy says so and selects the text. Share
// links (.share-url) show their absolute address. Choosing a preset clears
// the dates and typing a date clears the preset, so the form never sends
// both.
(function () {
  "use strict";

  function enhance() {
    var canCopy = !!(navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext);
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = !canCopy;
    }
    var links = document.querySelectorAll("a.share-url");
    for (var j = 0; j < links.length; j++) {
      if (links[j].textContent !== links[j].href) links[j].textContent = links[j].href;
    }
  }

  function say(status, attr) {
    if (!status) return;
    // Empty first, so saying "Copied" twice is announced twice.
    status.textContent = "";
    setTimeout(function () {
      status.textContent = status.getAttribute(attr) || "";
    }, 50);
  }

  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  document.addEventListener("click", function (evt) {
    var button = evt.target && evt.target.closest ? evt.target.closest("button[data-copy]") : null;
    if (!button) return;
    var target = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!target) return;
    var text = target.href || target.textContent;
    navigator.clipboard.writeText(text).then(function () {
      say(status, "data-text-copied");
    }, function () {
      say(status, "data-text-failed");
      selectText(target);
    });
  });

  // A preset is a link to the list of that range; with scripts it sets the
  // form's range instead and submits the form, so the filters typed since
  // the page loaded (the links do not know them) are kept.
  document.addEventListener("click", function (evt) {
    var link = evt.target && evt.target.closest ? evt.target.closest("#range-presets a[data-range]") : null;
    if (!link || evt.button !== 0 || evt.metaKey || evt.ctrlKey || evt.shiftKey || evt.altKey) return;
    var form = document.getElementById("filters");
    var preset = document.getElementById("f-range");
    if (!form || !preset || typeof form.requestSubmit !== "function") return;
    evt.preventDefault();
    preset.value = link.getAttribute("data-range") || "";
    var dates = ["f-from", "f-to"];
    for (var i = 0; i < dates.length; i++) {
      var box = document.getElementById(dates[i]);
      if (box) box.value = "";
    }
    var marked = document.querySelectorAll("#range-presets a[aria-current]");
    for (var j = 0; j < marked.length; j++) marked[j].removeAttribute("aria-current");
    link.setAttribute("aria-current", "true");
    form.requestSubmit();
  });

  document.addEventListener("input", function (evt) {
    var field = evt.target;
    if (!field || (field.id !== "f-from" && field.id !== "f-to") || !field.value) return;
    var preset = document.getElementById("f-range");
    if (preset) preset.value = "";
    var marked = document.querySelectorAll("#range-presets a[aria-current]");
    for (var i = 0; i < marked.length; i++) marked[i].removeAttribute("aria-current");
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
  document.addEventListener("htmx:after:swap", enhance);
})();

// ---- One history entry per name filter -------------------------------
// The name box filters as the reader types (hx-trigger "input changed
// delay:300ms"), and every answer would push a history entry: Back would
// then walk through "pageran", "pagera", …. Instead the first answer of a
// burst of typing pushes one entry and the next answers replace it, until
// the filter settles (the box loses focus, Enter, or a pause of
// settleMs); the next keystroke starts a new entry. So Back undoes one
// filter at a time. The answer's HX-Push-Url (the canonical URL) is turned
// into HX-Replace-Url before htmx applies it (htmx:after:request comes
// before the swap that updates history).
(function () {
  "use strict";

  var settleMs = 1500;
  var typing = false; // the current history entry is the name being typed
  var timer = null;

  function settle() {
    typing = false;
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  function isName(el) {
    return el && el.id === "f-name";
  }

  // A box may lengthen the pause with data-settle-ms: the browser tests
  // do, so that a loaded machine's slow answers aren't taken for pauses.
  function pauseMs(el) {
    var ms = parseInt(el.getAttribute("data-settle-ms") || "", 10);
    return ms > 0 ? ms : settleMs;
  }

  document.addEventListener("input", function (evt) {
    if (!isName(evt.target)) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(settle, pauseMs(evt.target));
  });
  document.addEventListener("focusout", function (evt) {
    if (isName(evt.target)) settle();
  });
  document.addEventListener("keydown", function (evt) {
    if (isName(evt.target) && evt.key === "Enter") settle();
  });

  document.addEventListener("htmx:config:request", function (evt) {
    var ctx = evt.detail && evt.detail.ctx;
    if (!ctx) return;
    var src = ctx.sourceEvent;
    ctx.jobboardTyping = !!(src && src.type === "input" && isName(src.target));
  });

  document.addEventListener("htmx:after:request", function (evt) {
    var ctx = evt.detail && evt.detail.ctx;
    if (!ctx || !ctx.hx) return;
    var pushes = ctx.hx.pushurl || (ctx.push && ctx.push !== "false");
    if (!pushes) return; // polls and the like leave history alone
    if (!ctx.jobboardTyping) {
      settle(); // another filter: its own entry, and typing starts anew
      return;
    }
    if (!typing) {
      typing = true; // the burst's first answer pushes its entry
      return;
    }
    if (ctx.hx.pushurl) {
      ctx.hx.replaceurl = ctx.hx.pushurl;
      delete ctx.hx.pushurl;
    }
    if (ctx.push) {
      ctx.replace = ctx.push;
      ctx.push = null;
    }
  });
})();

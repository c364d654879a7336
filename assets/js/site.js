// Small progressive enhancements: "copy link", "print", the phone's own share sheet, search boxes. The page works without them.
(function () {
  "use strict";
  var extras = document.querySelectorAll(navigator.share ? ".needs-js, [data-share-sheet]" : ".needs-js");
  for (var i = 0; i < extras.length; i++) extras[i].hidden = false;

  // A search box sends its words to the tips list when there is no JavaScript; with it, to the search page.
  var searches = document.querySelectorAll("form[data-search-page]");
  for (var j = 0; j < searches.length; j++) searches[j].action = searches[j].getAttribute("data-search-page");

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button.hasAttribute("data-print")) window.print();
    if (button.hasAttribute("data-copy")) copyLink(button);
    // Closing the share sheet without sharing rejects the promise: nothing to tell anyone.
    if (button.hasAttribute("data-share")) navigator.share({ title: document.title, url: button.getAttribute("data-share") }).catch(function () {});
  });

  // Pictures further down load only once scrolled to (loading="lazy"): one not yet seen printed blank.
  window.addEventListener("beforeprint", function () {
    var lazy = document.querySelectorAll("img[loading=lazy]");
    for (var k = 0; k < lazy.length; k++) lazy[k].loading = "eager";
  });

  function copyLink(button) {
    var status = button.parentNode.querySelector(".copy-status");
    var done = function (text) { if (status) status.textContent = text; };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(
        function () { done("Link copied."); },
        function () { done("Could not copy. The address is in your browser's address bar."); });
    } else {
      done("Could not copy. The address is in your browser's address bar.");
    }
  }
})();

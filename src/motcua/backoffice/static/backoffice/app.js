// Every back-office page. The keyboard shortcut P opens the receipt slip on a dossier page (the
// link with id "print-slip"); it lives here because the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  document.addEventListener("keydown", function (e) {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
    if (typing || e.ctrlKey || e.altKey || e.metaKey || (e.key !== "p" && e.key !== "P")) return;
    const slip = document.getElementById("print-slip");
    if (!slip) return;
    e.preventDefault();
    window.open(slip.href, "_blank");
  });
})();

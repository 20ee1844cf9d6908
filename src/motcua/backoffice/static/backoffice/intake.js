// Counter intake (intake.html): pick a procedure from the search results, reuse an earlier
// applicant's details, move through the results with the arrow keys. A static file, not inline
// code, so that the Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";

  function pickProcedure(btn) {
    const form = document.getElementById("intake-form");
    document.getElementById("id_procedure").value = btn.dataset.code;
    document.getElementById("proc-q").value = btn.dataset.name;
    document.getElementById("proc-results").innerHTML = "";
    htmx.ajax("GET", form.dataset.checklistUrl + "?procedure=" + encodeURIComponent(btn.dataset.code), "#checklist")
      .then(function () { const first = document.querySelector("#checklist input"); if (first) first.focus(); });
  }

  function reuseApplicant(btn) {
    for (const [field, key] of [["applicant_name", "name"], ["applicant_phone", "phone"], ["applicant_email", "email"], ["applicant_address", "address"]]) {
      const input = document.getElementById("id_" + field);
      if (input && !input.value) input.value = btn.dataset[key] || "";
    }
    const reuse = document.getElementById("reuse-from");
    if (reuse) reuse.value = btn.dataset.code;
  }

  // The result lists arrive later through htmx: one listener on the document serves them all.
  document.addEventListener("click", function (e) {
    const pick = e.target.closest("[data-pick-procedure]");
    if (pick) { pickProcedure(pick); return; }
    const reuse = e.target.closest("[data-reuse-applicant]");
    if (reuse) reuseApplicant(reuse);
  });

  // Arrow keys move between the search box and the results; Enter picks (a button's default).
  document.addEventListener("keydown", function (e) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const options = Array.from(document.querySelectorAll("#proc-results button"));
    if (!options.length) return;
    const search = document.getElementById("proc-q");
    const i = options.indexOf(e.target);
    if (e.target === search && e.key === "ArrowDown") { options[0].focus(); e.preventDefault(); }
    else if (i >= 0) {
      e.preventDefault();
      if (e.key === "ArrowDown" && i + 1 < options.length) options[i + 1].focus();
      else if (e.key === "ArrowUp") (i > 0 ? options[i - 1] : search).focus();
    }
  });
})();

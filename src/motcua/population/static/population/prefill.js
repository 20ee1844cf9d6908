// Counter intake: the "Tra cứu CSDL dân cư" answer (an htmx fragment) fills the applicant's fields.
// A static file, not inline code, so that the Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSwap", function (e) {
    if (!e.target || e.target.id !== "population-result") return;
    const found = e.target.querySelector("[data-population-found]");
    if (!found) return;
    for (const [field, key] of [["applicant_name", "name"], ["applicant_birth_date", "birth"], ["applicant_sex", "sex"], ["applicant_address", "address"]]) {
      const input = document.getElementById("id_" + field);
      if (input) input.value = found.dataset[key] || "";
    }
  });
})();

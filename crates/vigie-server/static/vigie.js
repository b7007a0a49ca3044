// Vigie — live countdowns. Progressive enhancement only: the server already renders the time
// left; this script updates it every 30 seconds. No inline script anywhere (strict CSP).
"use strict";
(function () {
  function plural(n, one, many) { return n + " " + (n > 1 ? many : one); }
  function describe(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    var parts = [];
    if (days) parts.push(plural(days, "jour", "jours"));
    if (hours) parts.push(plural(hours, "heure", "heures"));
    if (!days) parts.push(plural(mins, "minute", "minutes"));
    return parts.join(" ");
  }
  function update() {
    var now = Date.now();
    document.querySelectorAll("[data-echeance]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-echeance"));
      if (isNaN(due)) return;
      var left = due - now;
      var span = el.querySelector(".reste");
      if (!span) return;
      var when = new Date(due).toLocaleString("fr-FR", { timeZone: "Europe/Paris", dateStyle: "short", timeStyle: "short" });
      if (left >= 0) {
        span.textContent = "il reste " + describe(left) + " (échéance : " + when + ")";
        el.classList.toggle("proche", left < 24 * 3600 * 1000);
      } else {
        span.textContent = "DÉPASSÉ de " + describe(left) + " (échéance : " + when + ")";
        el.classList.add("depasse");
        el.classList.remove("proche");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    update();
    setInterval(update, 30000);
  });
})();

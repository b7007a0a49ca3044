// Vigie — live countdowns. Progressive enhancement only: the server already renders the time
// left; this script updates it every 30 seconds. No inline script anywhere (strict CSP).
"use strict";
(function () {
  // The page's language (<html lang>) chooses the words; French is the default, as on the server.
  var english = document.documentElement.lang === "en";
  var words = english
    ? { day: ["day", "days"], hour: ["hour", "hours"], minute: ["minute", "minutes"],
        left: function (d, w) { return "due " + w + " (Paris time), " + d + " left"; },
        late: function (d, w) { return "due " + w + " (Paris time), OVERDUE by " + d; } }
    : { day: ["jour", "jours"], hour: ["heure", "heures"], minute: ["minute", "minutes"],
        left: function (d, w) { return "il reste " + d + " (échéance : " + w + ")"; },
        late: function (d, w) { return "DÉPASSÉ de " + d + " (échéance : " + w + ")"; } };
  // French puts 0 and 1 in the singular, English only 1.
  function plural(n, forms) { return n + " " + ((english ? n === 1 : n <= 1) ? forms[0] : forms[1]); }
  function describe(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    var parts = [];
    if (days) parts.push(plural(days, words.day));
    if (hours) parts.push(plural(hours, words.hour));
    if (!days) parts.push(plural(mins, words.minute));
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
      var when = new Date(due).toLocaleString(english ? "en-GB" : "fr-FR", { timeZone: "Europe/Paris", dateStyle: "short", timeStyle: "short" });
      if (left >= 0) {
        span.textContent = words.left(describe(left), when);
        el.classList.toggle("proche", left < 24 * 3600 * 1000);
      } else {
        span.textContent = words.late(describe(left), when);
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

// Passkeys (WebAuthn). Shown only where the browser supports them; the server does every check
// (webauthn-rs), this script only carries bytes between it and the authenticator.
(function () {
  function fromB64url(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes.buffer;
  }
  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function english() { return document.documentElement.lang === "en"; }
  function csrf() {
    var field = document.querySelector('input[name="csrf"]');
    return field ? field.value : "";
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      if (response.ok) return response.json();
      return response.text().then(function (html) {
        // The server's message, in the page's language, is in the error page's alert paragraph.
        var doc = new DOMParser().parseFromString(html, "text/html");
        var alert = doc.querySelector('[role="alert"]');
        throw new Error(alert ? alert.textContent.trim() : (english() ? "Error " : "Erreur ") + response.status);
      });
    });
  }
  function showError(box, error) {
    var p = box.querySelector("[data-cle-erreur]");
    var text = error && error.name === "NotAllowedError"
      ? (english() ? "Cancelled or timed out: try again." : "Opération annulée ou délai dépassé : recommencez.")
      : (error && error.message) ||
        (english() ? "The passkey could not be used." : "La clé d'accès n'a pas pu être utilisée.");
    p.textContent = text;
    p.hidden = false;
  }
  function register(box) {
    post("/compte/cles/options").then(function (start) {
      var o = start.options.publicKey;
      o.challenge = fromB64url(o.challenge);
      o.user.id = fromB64url(o.user.id);
      (o.excludeCredentials || []).forEach(function (c) { c.id = fromB64url(c.id); });
      return navigator.credentials.create({ publicKey: o }).then(function (cred) {
        return post("/compte/cles", {
          nom: (document.getElementById("cle-nom") || {}).value || "",
          etat: start.etat,
          identifiant: {
            id: cred.id,
            rawId: toB64url(cred.rawId),
            type: cred.type,
            extensions: {},
            response: {
              attestationObject: toB64url(cred.response.attestationObject),
              clientDataJSON: toB64url(cred.response.clientDataJSON)
            }
          }
        });
      });
    }).then(function () { window.location.reload(); }, function (e) { showError(box, e); });
  }
  function signIn(box) {
    post("/connexion/cle/options").then(function (start) {
      var o = start.options.publicKey;
      o.challenge = fromB64url(o.challenge);
      (o.allowCredentials || []).forEach(function (c) { c.id = fromB64url(c.id); });
      return navigator.credentials.get({ publicKey: o }).then(function (cred) {
        var r = cred.response;
        return post("/connexion/cle", {
          etat: start.etat,
          identifiant: {
            id: cred.id,
            rawId: toB64url(cred.rawId),
            type: cred.type,
            extensions: {},
            response: {
              authenticatorData: toB64url(r.authenticatorData),
              clientDataJSON: toB64url(r.clientDataJSON),
              signature: toB64url(r.signature),
              userHandle: r.userHandle ? toB64url(r.userHandle) : null
            }
          }
        });
      });
    }).then(function (done) { window.location.assign(done.redirection || "/"); },
            function (e) { showError(box, e); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.PublicKeyCredential) return;
    [["[data-cle-enregistrement]", register], ["[data-cle-connexion]", signIn]].forEach(function (pair) {
      var box = document.querySelector(pair[0]);
      if (!box) return;
      box.hidden = false;
      box.querySelector("[data-cle-bouton]").addEventListener("click", function () { pair[1](box); });
    });
  });
})();

// Autosave of the forms marked data-autosave (the expert's scoring page): one edit sends one request.
//
// - Typing waits for a pause (data-autosave-delay milliseconds, default 800) before it sends; a newer
//   keystroke cancels the pending send, so a superseded value is never sent.
// - Leaving the field (change, blur) sends at once what is pending, instead of a second request.
// - A value equal to the last one the server answered (or the one on its way) is not sent again.
// - One request at a time per form. A newer value waits for the one in flight and then goes if it still
//   differs: aborting a request in flight would not stop the server, and its older write could land
//   after the newer one.
// - A request that fails (no network, an error status, or a redirect to the login page) shows
//   data-autosave-retrying ("未保存，正在重试") and is sent again after 1, 2, 4… seconds (at most 30)
//   until it succeeds; an edit meanwhile sends its newer value instead.
//
// The server answers with the status partial (saved at …, or what is wrong with the value), which
// replaces the form's [data-autosave-status] element. The form's own submit button is the fallback
// without JavaScript, hidden here. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  var DEFAULT_DELAY = 800;
  var FIRST_RETRY = 1000;
  var LAST_RETRY = 30000;

  function Autosave(form) {
    this.form = form;
    this.status = form.querySelector("[data-autosave-status]");
    this.delay = Number(form.dataset.autosaveDelay) || DEFAULT_DELAY;
    this.retryDelay = Number(form.dataset.autosaveRetry) || FIRST_RETRY;
    this.firstRetry = this.retryDelay;
    this.answered = this.values();  // the page was rendered from what the server holds
    this.inFlight = null;
    this.timer = null;
    this.retryTimer = null;
    var self = this;
    form.addEventListener("input", function () { self.schedule(); });
    form.addEventListener("change", function () { self.flush(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); self.flush(); });
    form.querySelectorAll("[data-autosave-fallback]").forEach(function (button) {
      button.classList.add("d-none");
    });
  }

  // The form's values without the CSRF token: what "changed" is measured on.
  Autosave.prototype.values = function () {
    var data = new FormData(this.form);
    data.delete("csrfmiddlewaretoken");
    return new URLSearchParams(data).toString();
  };

  Autosave.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.flush(); }, this.delay);
  };

  Autosave.prototype.flush = function () {
    window.clearTimeout(this.timer);
    this.timer = null;
    window.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.send();
  };

  Autosave.prototype.send = function () {
    if (this.inFlight !== null) { return; }  // its answer sends the newer value if there is one
    var values = this.values();
    if (values === this.answered) { return; }
    var self = this;
    this.inFlight = values;
    window.fetch(this.form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(this.form)),
      credentials: "same-origin",
      // The view answers its status partial to htmx-style requests, as it did when htmx sent them.
      headers: { "HX-Request": "true" }
    }).then(function (response) {
      // A redirect (the session ended: the login page) or an error did not save; the retry will.
      if (!response.ok || response.redirected) { throw new Error("HTTP " + response.status); }
      return response.text();
    }).then(function (html) {
      self.inFlight = null;
      self.answered = values;
      self.retryDelay = self.firstRetry;
      if (self.status) { self.status.innerHTML = html; }
      if (self.timer === null && self.values() !== self.answered) { self.send(); }
    }).catch(function () {
      self.inFlight = null;
      self.showRetrying();
      self.retryTimer = window.setTimeout(function () {
        self.retryTimer = null;
        self.send();
      }, self.retryDelay);
      self.retryDelay = Math.min(self.retryDelay * 2, LAST_RETRY);
    });
  };

  Autosave.prototype.showRetrying = function () {
    if (!this.status) { return; }
    var note = document.createElement("span");
    note.className = "text-warning-emphasis small";
    note.setAttribute("role", "status");
    note.dataset.testid = "save-retrying";
    var icon = document.createElement("i");
    icon.className = "bi bi-arrow-repeat";
    icon.setAttribute("aria-hidden", "true");
    note.appendChild(icon);
    note.appendChild(document.createTextNode(" " + (this.form.dataset.autosaveRetrying || "")));
    this.status.replaceChildren(note);
  };

  document.querySelectorAll("form[data-autosave]").forEach(function (form) { new Autosave(form); });
})();

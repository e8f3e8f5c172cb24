/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "fr";
  var labels = {
    fr: { show: "Afficher", hide: "Masquer", shown: "Mot de passe affiché", hidden: "Mot de passe masqué" },
    en: { show: "Show", hide: "Hide", shown: "Password shown", hidden: "Password hidden" }
  };
  var t = labels[lang] || labels.fr;

  function enhancePassword(input) {
    var wrapper = document.createElement("div");
    wrapper.className = "password-wrapper";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary";
    button.textContent = t.show;
    button.setAttribute("aria-controls", input.id);
    button.setAttribute("aria-pressed", "false");
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.textContent = show ? t.hide : t.show;
      button.setAttribute("aria-pressed", show ? "true" : "false");
      status.textContent = show ? t.shown : t.hidden;
    });
    wrapper.appendChild(button);
    wrapper.appendChild(status);
  }

  function addCounter(field) {
    var max = parseInt(field.getAttribute("data-maxlength"), 10);
    var counter = document.createElement("p");
    counter.className = "char-count";
    counter.id = field.id + "-count";
    counter.setAttribute("aria-live", "polite");
    var timer = null;
    function update() {
      var left = max - field.value.length;
      counter.textContent = lang === "en"
        ? (left >= 0 ? left + " characters left" : -left + " characters too many")
        : (left >= 0 ? left + " caractères restants" : -left + " caractères en trop");
    }
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 600);
    });
    update();
    field.parentNode.insertBefore(counter, field.nextSibling);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
  }

  // The folded menu of phones: the link to #navigation becomes a real disclosure button.
  function enhanceMenu(nav, link) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.textContent = link.textContent;
    button.setAttribute("aria-controls", "navigation-list");
    button.setAttribute("aria-expanded", "false");
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    link.parentNode.replaceChild(button, link);
    document.documentElement.classList.add("js-nav");
    // « Aller au menu » (or a link to #navigation) unfolds it and lands on its first link.
    function openFromLink(event) {
      var target = event.target.closest("a[href='#navigation']");
      if (!target) { return; }
      set(true);
      var first = nav.querySelector("#navigation-list a, #navigation-list button");
      if (first && window.getComputedStyle(button).display !== "none") {
        event.preventDefault();
        first.focus();
      }
    }
    document.addEventListener("click", openFromLink);
    if (window.location.hash === "#navigation") { set(true); }
  }


  /* Timing adjustable (WCAG 2.2.1): before the session ends for lack of activity, a
     polite message (focus stays where it is) offers to stay logged in, in one action. */
  function sessionTiming(box) {
    var live = box.querySelector("[data-session-live]");
    var form = box.querySelector("[data-session-extend]");
    var warn = parseInt(box.getAttribute("data-warn"), 10) * 1000;
    var warnTimer, endTimer;
    function say(text, warning) {
      live.textContent = text;
      box.classList.toggle("session-timing--warning", warning);
      form.hidden = !warning;
    }
    function schedule(seconds) {
      clearTimeout(warnTimer);
      clearTimeout(endTimer);
      warnTimer = setTimeout(function () { say(box.getAttribute("data-text-warning"), true); },
                             Math.max(0, seconds * 1000 - warn));
      endTimer = setTimeout(function () { say(box.getAttribute("data-text-ended"), false); },
                            seconds * 1000);
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                           headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok || response.redirected) { throw new Error("not extended"); }
          return response.json();
        })
        .then(function (data) {
          schedule(data.remaining);
          say(box.getAttribute("data-text-extended"), false);
        })
        .catch(function () { say(box.getAttribute("data-text-ended"), false); });
    });
    // Any request that reached the server (an autosave) counts as activity.
    document.addEventListener("patientlab:activity", function () {
      schedule(parseInt(box.getAttribute("data-idle"), 10));
    });
    schedule(parseInt(box.getAttribute("data-remaining"), 10));
  }

  /* Drafts saved as the person writes: the form is sent in the background with its
     « save the draft » button, and the result said politely. */
  function autosave(form) {
    var button = form.querySelector("[name='" + form.getAttribute("data-autosave") + "']");
    if (!button) { return; }
    var status = document.createElement("p");
    status.className = "autosave-status";
    status.setAttribute("aria-live", "polite");
    button.parentNode.insertBefore(status, button.parentNode.firstChild);
    var dirty = false, saving = false, timer;
    var delay = parseInt(form.getAttribute("data-autosave-delay") || "20", 10) * 1000;
    function save() {
      if (!dirty || saving) { return; }
      saving = true;
      dirty = false;
      var data = new FormData(form);
      var files = [];
      data.forEach(function (value, key) { if (value instanceof File) { files.push(key); } });
      files.forEach(function (key) { data.delete(key); });
      data.append(button.name, button.value || "1");
      fetch(form.action || window.location.href, { method: "POST", body: data,
                                                    credentials: "same-origin" })
        .then(function (response) {
          var arrived = new URL(response.url).pathname;
          if (response.ok && response.redirected &&
              arrived !== form.getAttribute("data-login-path")) {
            var now = new Date();
            var time = ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
            status.textContent = form.getAttribute("data-text-saved").replace("{time}", time);
            document.dispatchEvent(new CustomEvent("patientlab:activity"));
          } else if (arrived === form.getAttribute("data-login-path")) {
            status.textContent = form.getAttribute("data-text-expired");
          } else {
            dirty = true;
            status.textContent = form.getAttribute("data-text-failed");
          }
        })
        .catch(function () {
          dirty = true;
          status.textContent = form.getAttribute("data-text-failed");
        })
        .then(function () { saving = false; });
    }
    form.addEventListener("input", function () {
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(save, delay);
    });
    form.addEventListener("submit", function () { clearTimeout(timer); dirty = false; });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { save(); }
    });
  }

  /* The writing help of one section, as the person writes: the server analyses the text
     after a pause and its note replaces the previous one (announced politely). */
  function liveReadability(box) {
    var field = document.getElementById(box.getAttribute("data-readability-for"));
    var form = field && field.form;
    var token = form && form.querySelector("input[name='csrf_token']");
    if (!token) { return; }
    var timer;
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var data = new FormData();
        data.append("csrf_token", token.value);
        data.append("text", field.value);
        fetch(box.getAttribute("data-readability-url"), { method: "POST", body: data,
                                                          credentials: "same-origin" })
          .then(function (response) {
            if (response.ok && !response.redirected) { return response.text(); }
            throw new Error("no analysis");
          })
          .then(function (html) { box.innerHTML = html; })
          .catch(function () { /* the « Vérifier la lisibilité » button still works */ });
      }, 1500);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var checks = document.querySelectorAll("[data-readability-for]");
    for (var m = 0; m < checks.length; m++) { liveReadability(checks[m]); }
    var timing = document.querySelector("[data-session-timing]");
    if (timing) { sessionTiming(timing); }
    var drafts = document.querySelectorAll("form[data-autosave]");
    for (var k = 0; k < drafts.length; k++) { autosave(drafts[k]); }

    var nav = document.getElementById("navigation");
    var toggle = nav && nav.querySelector("[data-nav-toggle]");
    if (toggle) { enhanceMenu(nav, toggle); }

    var inputs = document.querySelectorAll("input[data-password]");
    for (var i = 0; i < inputs.length; i++) { enhancePassword(inputs[i]); }

    var counted = document.querySelectorAll("[data-maxlength]");
    for (var j = 0; j < counted.length; j++) { addCounter(counted[j]); }

    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      summary.addEventListener("click", function (event) {
        var link = event.target.closest("a[href^='#']");
        if (!link) { return; }
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (target) {
          event.preventDefault();
          var label = document.querySelector("label[for='" + target.id + "']");
          (label || target).scrollIntoView();
          target.focus();
        }
      });
    }
  });
})();

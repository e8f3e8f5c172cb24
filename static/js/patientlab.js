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

  document.addEventListener("DOMContentLoaded", function () {
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

// Behaviour of the pages: the language switch, printing, the org chart's expand/collapse,
// and the description form (add, reorder and remove rows; warn before leaving unsaved work).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("change", function (event) {
    var form = event.target.closest("form.language-switch");
    if (form) { form.submit(); }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
    var chart = event.target.closest("[data-chart]");
    if (chart) {
      var open = chart.getAttribute("data-chart") === "expand";
      document.querySelectorAll("#org-chart details:not(.lazy-branch)").forEach(function (d) { d.open = open; });
    }
    var confirmButton = event.target.closest("[data-confirm]");
    if (confirmButton && !window.confirm(confirmButton.getAttribute("data-confirm"))) { event.preventDefault(); }
  });

  // Print everything that is loaded, not only the open branches.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.setAttribute("data-was-open", d.open); d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-was-open]").forEach(function (d) {
      d.open = d.getAttribute("data-was-open") === "true"; d.removeAttribute("data-was-open");
    });
  });

  // --- unsaved work: any form marked data-warn-unsaved asks before the page is left ----------
  var dirty = false;
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (watched) {
    watched.addEventListener("input", function () { dirty = true; });
    watched.addEventListener("change", function () { dirty = true; });
    watched.addEventListener("submit", function () { dirty = false; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  // A refused save comes back with the typed text; it is still unsaved work.
  var refusedBanner = document.getElementById("form-errors");
  if ((refusedBanner && !refusedBanner.hidden) || document.getElementById("conflict")) { dirty = true; }

  // --- the description form: add, reorder and remove rows -----------------------------------
  var form = document.getElementById("description-form");
  if (!form) { return; }
  var keyCounter = 0;

  function renumber() {
    form.querySelectorAll("[data-rows]").forEach(function (list) {
      var kind = list.getAttribute("data-rows");
      Array.prototype.forEach.call(list.children, function (row, index) {
        row.querySelectorAll("[name]").forEach(function (field) {
          field.name = field.name.replace(new RegExp("^" + kind + "-(\\d+|__i__)-"), kind + "-" + index + "-");
        });
      });
    });
  }

  function dutyLabel(row, index) {
    var title = row.querySelector("[name$='-title']").value.trim();
    var text = row.querySelector("[name$='-text']").value.trim();
    var label = title || text || "…";
    return (index + 1) + ". " + (label.length > 30 ? label.slice(0, 29) + "…" : label);
  }

  // Keep every standard's duty list in step with the duties as they are now.
  function refreshDutyChoices() {
    var duties = Array.prototype.slice.call(form.querySelectorAll("[data-rows='duties'] > [data-row]"));
    form.querySelectorAll("[data-rows='standards'] [data-duty-select]").forEach(function (select) {
      var chosen = select.value;
      while (select.options.length > 1) { select.remove(1); }
      duties.forEach(function (row, index) {
        var option = document.createElement("option");
        option.value = row.querySelector("[data-key]").value;
        option.textContent = dutyLabel(row, index);
        if (option.value === chosen) { option.selected = true; }
        select.appendChild(option);
      });
    });
  }

  form.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add]");
    var move = event.target.closest("[data-move]");
    var remove = event.target.closest("[data-remove]");
    if (add) {
      var kind = add.getAttribute("data-add");
      var template = document.getElementById("template-" + kind);
      var fragment = template.content.cloneNode(true);
      var key = fragment.querySelector("[data-key]");
      if (key) { keyCounter += 1; key.value = "new" + Date.now().toString(36) + keyCounter; }
      var list = form.querySelector("[data-rows='" + kind + "']");
      list.appendChild(fragment);
      var row = list.lastElementChild;
      var first = row.querySelector("textarea, input:not([type=hidden]), select");
      if (first) { first.focus(); }
    } else if (move) {
      var current = move.closest("[data-row]");
      if (move.getAttribute("data-move") === "up" && current.previousElementSibling) {
        current.parentNode.insertBefore(current, current.previousElementSibling);
      } else if (move.getAttribute("data-move") === "down" && current.nextElementSibling) {
        current.parentNode.insertBefore(current.nextElementSibling, current);
      }
      move.focus();
    } else if (remove) {
      remove.closest("[data-row]").remove();
    } else {
      return;
    }
    dirty = true;
    renumber();
    refreshDutyChoices();
  });

  form.addEventListener("input", function (event) {
    if (event.target.hasAttribute("data-label-source")) { refreshDutyChoices(); }
  });
  form.addEventListener("submit", renumber);
})();

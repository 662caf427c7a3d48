// Keepcart admin: copy buttons and live activity counts. Loaded under a strict CSP.
(function () {
  "use strict";

  function copyFrom(id, status) {
    var text = document.getElementById(id).textContent;
    var done = function () { status.textContent = "Copied to the clipboard."; };
    var fail = function () {
      var range = document.createRange();
      range.selectNodeContents(document.getElementById(id));
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      status.textContent = "Selected: press Ctrl+C (or ⌘C) to copy.";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fail);
    } else {
      fail();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var id = button.getAttribute("data-copy");
    copyFrom(id, document.querySelector('[data-copy-status="' + id + '"]'));
  });

  var activity = document.querySelector("[data-activity-url]");
  if (!activity) return;
  var url = activity.getAttribute("data-activity-url");
  function refresh() {
    if (document.hidden) return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (counts) {
        if (!counts) return;
        activity.querySelectorAll("[data-stat]").forEach(function (node) {
          var value = String(counts[node.getAttribute("data-stat")]);
          if (node.textContent !== value) node.textContent = value;
        });
      })
      .catch(function () { /* offline for a moment: try again on the next tick */ });
  }
  setInterval(refresh, 3000);
  document.addEventListener("visibilitychange", refresh);
})();

// Keepcart admin, forms and tables (issue 9): each feature only where its markup is, and the
// page works without it.
(function () {
  "use strict";

  // A product's variants: "Add another variant" copies the empty new row, numbered next.
  var addVariant = document.querySelector("[data-add-variant]");
  var variantRows = document.querySelector("[data-variant-rows]");
  if (addVariant && variantRows) {
    addVariant.hidden = false;
    addVariant.addEventListener("click", function () {
      var blanks = variantRows.querySelectorAll("[data-new-variant]");
      var template = blanks[blanks.length - 1];
      var next = 0;
      variantRows.querySelectorAll("input[name^='row-']").forEach(function (input) {
        next = Math.max(next, Number(input.name.split("-")[1]) + 1);
      });
      var copy = template.cloneNode(true);
      var renumber = function (text) { return text.replace(/row-\d+-/g, "row-" + next + "-"); };
      copy.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (node) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attribute) {
          if (node.hasAttribute(attribute)) node.setAttribute(attribute, renumber(node.getAttribute(attribute)));
        });
      });
      copy.querySelectorAll(".error").forEach(function (node) { node.remove(); });
      copy.querySelectorAll(".has-error").forEach(function (node) { node.classList.remove("has-error"); });
      copy.querySelectorAll("input").forEach(function (input) {
        input.value = "";
        input.removeAttribute("aria-invalid");
        if (input.getAttribute("aria-describedby") === "f-" + input.name + "-error") {
          input.removeAttribute("aria-describedby");
        }
      });
      template.after(copy);
      copy.querySelector("input").focus();
    });
  }

  // Fields that apply: [data-when="control name"][data-when-is="value value…"] shows only
  // while one of those values is chosen in its form (a campaign's trigger and offer, a
  // survey's moments and question types). Hidden fields still submit: what a form sends
  // never changes.
  function chosenValues(form, name) {
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (control) {
      if (control.type === "checkbox" || control.type === "radio") {
        if (control.checked) values.push(control.value);
      } else {
        values.push(control.value);
      }
    });
    return values;
  }

  function showApplicable(form) {
    form.querySelectorAll("[data-when]").forEach(function (part) {
      var wanted = part.getAttribute("data-when-is").split(" ");
      var applies = chosenValues(form, part.getAttribute("data-when")).some(function (value) {
        return wanted.indexOf(value) !== -1;
      });
      // A field with an error always shows, so the merchant can see what to fix.
      part.hidden = !applies && !part.querySelector("[aria-invalid='true']");
    });
  }

  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("[data-when]")) return;
    form.addEventListener("change", function () { showApplicable(form); });
    // Parts added later (a survey's new option rows) are shown or hidden at once.
    form.addEventListener("keepcart:parts-added", function () { showApplicable(form); });
    showApplicable(form);
  });

  // A live preview (iframe[data-preview-form="the form's id"]): its widget takes the focus
  // inside the frame each time it opens. The merchant keeps theirs: when the frame takes the
  // focus without the pointer over it or a Tab into it, it goes back to the field they were in
  // (their next keystrokes land there).
  document.querySelectorAll("iframe[data-preview-form]").forEach(function (frame) {
    var form = document.getElementById(frame.getAttribute("data-preview-form"));
    if (!form) return;
    var lastField = null;
    var tabbing = false;
    form.addEventListener("focusin", function (event) {
      lastField = event.target;
      tabbing = false; // a Tab that ended in the form is over
    });
    document.addEventListener("keydown", function (event) {
      tabbing = event.key === "Tab";
    });
    window.addEventListener("blur", function () {
      setTimeout(function () {
        var taken = document.activeElement === frame && !frame.matches(":hover");
        if (taken && !tabbing && lastField && lastField.isConnected) lastField.focus();
      }, 0);
    });
  });

  // Tables become stacked cards on a phone, each cell labelled by its column (CSS shows
  // data-label). Templates label their cells; a table that has no labels at all gets them
  // from its column headers here.
  document.querySelectorAll(".table-scroll table").forEach(function (table) {
    if (table.querySelector("td[data-label]")) return;
    var headers = [];
    table.querySelectorAll("thead tr:last-child th").forEach(function (th) {
      for (var n = 0; n < th.colSpan; n += 1) headers.push(th.textContent.trim().replace(/\s+/g, " "));
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.from(row.cells).forEach(function (cell) {
        if (cell.tagName === "TD" && headers[column]) cell.setAttribute("data-label", headers[column]);
        column += cell.colSpan;
      });
    });
  });

  // A long list of checkboxes with a filter box (shipping zone countries): typing hides the
  // choices whose label does not contain the text; checked ones always stay in view.
  document.querySelectorAll("[data-filter-choices]").forEach(function (group) {
    var box = group.querySelector("[data-filter-input]");
    var status = group.querySelector("[data-filter-status]");
    var choices = Array.from(group.querySelectorAll("[data-choice]"));
    if (!box) return;
    box.closest("[hidden]") && box.closest("[hidden]").removeAttribute("hidden");
    box.addEventListener("input", function () {
      var wanted = box.value.trim().toLowerCase();
      var shown = 0;
      choices.forEach(function (choice) {
        var checked = choice.querySelector("input").checked;
        var match = !wanted || choice.textContent.toLowerCase().indexOf(wanted) !== -1;
        choice.hidden = !(match || checked);
        if (!choice.hidden) shown += 1;
      });
      if (status) status.textContent = wanted ? shown + " of " + choices.length + " shown" : "";
    });
  });
})();

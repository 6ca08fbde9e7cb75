/* Date and time boxes (views/fields.py): the clerk types the date; the 选择 button opens
   the browser's own calendar, in the browser's language, and writes the choice back as
   text. The box is never rewritten otherwise, so what was typed by hand always stays. */
(function () {
  "use strict";

  function forPicker(text, kind) {
    var m = /^\s*(\d{4})\s*[-\/.年]\s*(\d{1,2})\s*[-\/.月]\s*(\d{1,2})\s*日?\s*(?:T|\s)?\s*(?:(\d{1,2})\s*[:时点]\s*(\d{1,2}))?/.exec(text || "");
    if (!m) { return ""; }
    var pad = function (v) { return ("0" + v).slice(-2); };
    var day = m[1] + "-" + pad(m[2]) + "-" + pad(m[3]);
    if (kind === "date") { return day; }
    return day + "T" + pad(m[4] || "0") + ":" + pad(m[5] || "0");
  }

  function pickerOf(group, text, kind) {
    var picker = group.querySelector("input.wbz-picker");
    if (picker) { return picker; }
    picker = document.createElement("input");
    picker.type = kind === "date" ? "date" : "datetime-local";
    picker.className = "wbz-picker";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    // The calendar writes into the box only while it is the clerk's latest move: once
    // they type in the box, a late "change" from the closing calendar is ignored.
    picker.addEventListener("change", function () {
      if (!picker.value || !picker.wbzOpen) { return; }
      picker.wbzOpen = false;
      text.value = kind === "date" ? picker.value : picker.value.replace("T", " ").slice(0, 16);
      text.dispatchEvent(new Event("change", { bubbles: true }));
    });
    text.addEventListener("input", function () { picker.wbzOpen = false; });
    group.appendChild(picker);
    return picker;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-wbz-pick]") : null;
    if (!button) { return; }
    var group = button.closest(".wbz-when");
    var text = group && group.querySelector("input[data-wbz-when]");
    if (!text) { return; }
    var kind = text.getAttribute("data-wbz-when");
    var picker = pickerOf(group, text, kind);
    picker.value = forPicker(text.value, kind);
    picker.wbzOpen = true;
    try {
      picker.showPicker();
    } catch (e) {
      picker.focus();
    }
  });
})();

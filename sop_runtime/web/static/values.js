// The step form: the reason field appears (and is required) as soon as a value differs from
// the one an earlier step recorded (fields carrying data-tercatat). Without this script the
// server asks for the reason when the form is sent.
(function () {
  "use strict";
  var box = document.getElementById("beda");
  var reason = document.getElementById("alasan_beda");
  if (!box || !reason) { return; }
  var fields = Array.prototype.slice.call(document.querySelectorAll("[data-tercatat]"));
  var amount = /^(?:rp\.?\s*)?(\d{1,3}(?:\.\d{3})+|\d+)(?:,0{1,2})?$/i;

  function norm(value, kind) {
    var text = value.trim();
    if (kind === "uang") {
      var found = text.match(amount);
      if (found) { return String(parseInt(found[1].replace(/\./g, ""), 10)); }
    }
    return text.split(/\s+/).join(" ").toLowerCase();
  }

  function differs(el) {
    if (el.tagName === "FIELDSET") {
      var chosen = el.querySelector("input:checked");
      return chosen !== null && chosen.value !== el.getAttribute("data-tercatat");
    }
    if (el.value.trim() === "") { return false; }
    var kind = el.getAttribute("data-jenis");
    return norm(el.value, kind) !== norm(el.getAttribute("data-tercatat"), kind);
  }

  function update() {
    var any = fields.some(differs);
    box.hidden = !any;
    reason.required = any;
  }

  fields.forEach(function (el) {
    el.addEventListener("input", update);
    el.addEventListener("change", update);
  });
  update();
}());

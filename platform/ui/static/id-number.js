// The registration form's checks as one types (the server checks the same again):
// the resident ID number's check digit (GB 11643-1999, ISO 7064 MOD 11-2), and at most
// five representatives of a collective visit (条例第二十条). No inline script: the CSP forbids it.
(function () {
  "use strict";
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";

  function problem(value) {
    var v = value.trim().toUpperCase();
    if (!v) return "";
    if (!/^\d{17}[\dX]$/.test(v)) return v.length < 18 ? "还差" + (18 - v.length) + "位（共18位）" : "应为17位数字加1位数字或X";
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += Number(v[i]) * WEIGHTS[i];
    if (CHECK[sum % 11] !== v[17]) return "校验码不符，请核对（末位应为" + CHECK[sum % 11] + "）";
    return "ok";
  }

  function show(input) {
    var msg = document.getElementById(input.getAttribute("aria-describedby"));
    var found = problem(input.value);
    input.setCustomValidity(found && found !== "ok" ? found : "");
    if (!msg) return;
    msg.textContent = found === "ok" ? "校验码正确" : found;
    msg.className = "field-msg " + (found === "ok" ? "good" : found ? "bad" : "");
  }

  function representatives() {
    var ticked = document.querySelectorAll("input[data-representative]:checked").length;
    var msg = document.getElementById("rep-msg");
    if (!msg) return;
    msg.textContent = ticked > 5 ? "集体访推选的代表不得超过5人（已选" + ticked + "人）" : "";
    msg.className = "field-msg " + (ticked > 5 ? "bad" : "");
  }

  document.addEventListener("input", function (event) {
    if (event.target instanceof HTMLInputElement && event.target.hasAttribute("data-id-number")) show(event.target);
  });
  document.addEventListener("change", function (event) {
    if (event.target instanceof HTMLInputElement && event.target.hasAttribute("data-representative")) representatives();
  });
  document.querySelectorAll("input[data-id-number]").forEach(function (input) { if (input.value) show(input); });
})();

// A live "typed / allowed" counter under every field with data-maxlength (qms.forms.bound_text_fields),
// also in forms htmx swaps in.
(function () {
  function attach(root) {
    root.querySelectorAll("[data-maxlength]:not([data-counted])").forEach(function (field) {
      var max = parseInt(field.dataset.maxlength, 10);
      var counter = document.createElement("div");
      counter.className = "form-text text-end qms-counter";
      field.dataset.counted = "1";
      field.insertAdjacentElement("afterend", counter);
      var update = function () {
        var used = field.value.length;
        counter.textContent = used.toLocaleString("vi-VN") + " / " + max.toLocaleString("vi-VN");
        counter.classList.toggle("text-danger", used > max);
      };
      field.addEventListener("input", update);
      update();
    });
  }
  document.addEventListener("DOMContentLoaded", function () { attach(document); });
  document.addEventListener("htmx:load", function (event) { attach(event.target); });
})();

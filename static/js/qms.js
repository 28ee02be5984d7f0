// Behaviour that used to sit in inline on…= attributes, which the Content-Security-Policy forbids
// (script-src 'self', no 'unsafe-inline'). Markup asks for it with data attributes:
//   <select data-autosubmit>          submits its form when changed (year filters, language switch)
//   <form data-confirm="Question?">   asks before submitting
//   <button data-submit-once>         is disabled once clicked, so a double click sends one request
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target.closest ? event.target.closest("[data-autosubmit]") : null;
    if (field && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    var submitter = event.submitter;
    if (submitter && submitter.hasAttribute("data-submit-once")) {
      // Disabled after the submission has started, so the button's own name/value still goes with it.
      window.setTimeout(function () { submitter.disabled = true; }, 0);
    }
  });
})();

// Submit the language form as soon as a language is picked (the button stays for no-JS use).
document.addEventListener("change", function (event) {
  var form = event.target.closest("form.language-switch");
  if (form) { form.submit(); }
});

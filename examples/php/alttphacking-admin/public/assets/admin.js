// Moves the keyboard focus to the error summary when a form comes back with errors, so screen
// readers announce it and keyboard users start there (each entry links to its field).
document.addEventListener('DOMContentLoaded', () => {
  const summary = document.querySelector('[data-autofocus]');
  if (summary) summary.focus();
});

// On a page with form errors, start keyboard and screen reader users at the list of problems.
// Progressive enhancement: without it the page still works, and its title starts with "Error:".
const summary = document.querySelector("[data-error-summary]");
if (summary) {
  summary.focus();
}

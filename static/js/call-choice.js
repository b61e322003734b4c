// The call-back form's choice of when we call: picking a time selects "At a time I choose", and choosing "As soon
// as you can" clears the time. Without it the form still works (a time picked counts as chosen).
const time = document.querySelector("[data-call-choice-time]");
const chosen = document.querySelector("[data-call-choice-chosen]");
if (time && chosen) {
  time.addEventListener("change", () => {
    if (time.value) {
      chosen.checked = true;
    }
  });
  for (const radio of document.querySelectorAll('input[name="when"]')) {
    radio.addEventListener("change", () => {
      if (radio !== chosen && radio.checked) {
        time.value = "";
      }
    });
  }
}

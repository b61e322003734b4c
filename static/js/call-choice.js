// The call-back form's one question of when we call. With this script only the chosen answer's part shows (the
// times of day, or the day and time), picking a time selects "At a time I choose", choosing "As soon as you can"
// clears the time, and the time picked is repeated in full under the list. Without it the form still works: both
// parts show, and a time picked counts as chosen.
const time = document.querySelector("[data-call-choice-time]");
const chosen = document.querySelector("[data-call-choice-chosen]");
const words = document.querySelector("[data-call-choice-words]");
const radios = document.querySelectorAll('input[name="when"]');
if (time && chosen && words) {
  const showChosenPart = () => {
    for (const part of document.querySelectorAll("[data-call-choice-for]")) {
      const radio = document.querySelector(`input[name="when"][value="${part.dataset.callChoiceFor}"]`);
      part.hidden = !radio.checked;
    }
  };
  const sayTheTime = () => {
    const option = time.selectedOptions[0];
    words.textContent = "";
    if (!option || !option.value) return;
    // An option reads "Tue Dec 8, 10:00–10:30 am": its group has the day in full.
    const hours = option.text.slice(option.text.indexOf(", ") + 2);
    const strong = document.createElement("strong");
    strong.textContent = `${option.parentElement.label}, ${hours} ${words.dataset.zone}`;
    words.append("You chose ", strong, ".");
  };
  time.addEventListener("change", () => {
    if (time.value) chosen.checked = true;
    sayTheTime();
  });
  for (const radio of radios) {
    radio.addEventListener("change", () => {
      if (radio !== chosen && radio.checked) {
        time.value = "";
        sayTheTime();
      }
      showChosenPart();
    });
  }
  showChosenPart();
}

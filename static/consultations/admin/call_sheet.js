// The call sheet and a request's page: a button beside each phone number copies it. Without JavaScript the buttons
// stay hidden and the number is still a tap-to-call link and plain text to select.
"use strict";

function offerCopyButtons() {
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll(".copy-phone").forEach((button) => {
    button.hidden = false;
    const status = button.parentElement.querySelector(".copy-phone-status");
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(button.dataset.copy).then(
        () => {
          status.textContent = "Copied";
        },
        () => {
          status.textContent = "Could not copy: select the number instead";
        },
      );
    });
  });
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", offerCopyButtons);
} else {
  offerCopyButtons();
}

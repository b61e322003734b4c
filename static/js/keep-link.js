// The thanks page's private link, kept: "Copy link" puts it on the clipboard, and "Share link" opens the
// phone's share sheet (Web Share), so the person can send it to themselves with any app. Nothing leaves our
// server for either. Without this script the link is still there, under "Show the link to copy it".
const link = document.querySelector("[data-keep-link]");
const said = document.querySelector("[data-keep-link-said]");
const copy = document.querySelector("[data-keep-link-copy]");
const share = document.querySelector("[data-keep-link-share]");
if (link && said) {
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(link.href);
        said.textContent = "Link copied. Paste it somewhere only you can see, such as a note to yourself.";
      } catch {
        said.textContent = 'We could not copy it. Open "Show the link to copy it" below and copy it from there.';
      }
    });
  }
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", () => {
      navigator.share({ title: "Phone call", url: link.href }).catch(() => {});
    });
  }
}

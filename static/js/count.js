// Counts one view of this page for the clinic's figures: the page, the other site's name if a link there
// brought you, and a campaign tag if the link had one. No cookie, nothing about you (see /privacy/).
(() => {
  const script = document.currentScript;
  if (navigator.globalPrivacyControl || !navigator.sendBeacon) return;
  const data = new URLSearchParams({ p: location.pathname });
  const query = new URLSearchParams(location.search);
  for (const name of ["utm_source", "utm_campaign"]) {
    if (query.get(name)) data.set(name, query.get(name));
  }
  try {
    const from = new URL(document.referrer);
    if (from.host === location.host) data.set("from", from.pathname);
    else data.set("ref", from.hostname);
  } catch {}
  if (script.dataset.event) data.set("e", script.dataset.event);
  navigator.sendBeacon(script.dataset.url, data);
})();

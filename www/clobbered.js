// The markup an attacker got into the page (see clobbered.html): named
// elements that shadow members of `document` and `window` (DOM clobbering).
// `?evil=<origin>` is the attacker's site; `?shadow=a,b` names the
// `document` members to shadow, besides the globals the widget defines.
"use strict";
(() => {
  const query = new URLSearchParams(location.search);
  const evil = `${query.get("evil")}/evil/`;
  const markup = [];
  for (const name of (query.get("shadow") ?? "").split(",").filter(Boolean)) {
    markup.push(`<img name="${name}" src="${evil}" alt="">`);
  }
  for (const global of ["OFConnect", "OnlyFansAPI", "trustedTypes"]) {
    markup.push(`<a id="${global}" href="${evil}">${global}</a>`);
  }
  document.write(markup.join(""));
  // And another script's bug, while the loader runs: a polluted prototype
  // that would turn a descriptor without `get` into a broken accessor.
  Object.prototype.get = "not a function";
  addEventListener("DOMContentLoaded", () => delete Object.prototype.get);
})();

// The report page's kit: building elements from text (never from HTML), formatting figures, and
// markdown rendered by marked then cleaned by DOMPurify. Defines globalThis.OdwKit.
(() => {
  "use strict";
  const purify = globalThis.DOMPurify;
  purify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "A") {
      node.setAttribute("rel", "noopener noreferrer");
      node.setAttribute("target", "_blank");
    }
  });

  /** An element with attributes and children (strings become text nodes). */
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "onclick") node.addEventListener("click", value);
      else node.setAttribute(name, String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
    }
    return node;
  };
  const json = (value) => JSON.stringify(value, null, 2) ?? "undefined";
  const secs = (ms) => (typeof ms === "number" ? `${(ms / 1000).toFixed(2)}s` : "—");
  const money = (usd) => (usd === null || usd === undefined ? "$?" : `$${Number(usd).toFixed(4)}`);
  const tokens = (
    n,
  ) => (n < 1000 ? String(n) : n < 1e6 ? `${(n / 1000).toFixed(1)}k` : `${(n / 1e6).toFixed(1)}M`);

  /** Markdown → sanitised HTML, in a container. */
  const markdown = (text) => {
    const box = el("div", { class: "markdown" });
    const html = globalThis.marked.marked.parse(String(text), { async: false, gfm: true });
    box.innerHTML = purify.sanitize(html, {
      USE_PROFILES: { html: true },
      FORBID_TAGS: [
        "img",
        "picture",
        "source",
        "video",
        "audio",
        "iframe",
        "object",
        "embed",
        "link",
        "style",
        "form",
      ],
      FORBID_ATTR: ["style", "srcset", "ping"],
    });
    return box;
  };

  const field = (
    name,
    value,
  ) => (value === undefined || value === null || value === ""
    ? null
    : el("tr", {}, el("th", {}, name), el("td", {}, value)));
  const pre = (cls, text) => el("pre", { class: cls }, text);

  /** Where a call site is: `agent at line 3, column 9 (of child.js)`. */
  const callSiteText = (site, scope, none) =>
    site ? `${site.kind} at line ${site.line}, column ${site.column}${scope ? ` of ${scope}` : ""}` : none;

  globalThis.OdwKit = { el, json, secs, money, tokens, markdown, field, pre, callSiteText };
})();

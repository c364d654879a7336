// The search page. Pagefind (the index under pagefind/, made by signpost/search.py) is loaded
// only once someone searches; its results are shown as our own plain list: a heading and link
// per tip, an excerpt with the words found, and a status line that screen readers announce.
// An ES module (for import()), sent as written: render.minify_asset leaves *.module.js alone.
const area = document.querySelector(".search-results");
const form = document.querySelector(".search-form");
const input = form.querySelector("input[name=q]");
const status = area.querySelector(".search-status");
const list = area.querySelector(".search-list");
const SHOWN = 20;   // results listed; the status line says how many there are in all
let engine = null;  // Pagefind, once loaded
let latest = 0;     // the newest search: an older one that finishes later is dropped

document.querySelector(".search-no-js").hidden = true;

function loadPagefind() {
  engine = engine || import(area.dataset.index).then(async (pagefind) => {
    // On this page's own thread, so only this page's CSP (with 'wasm-unsafe-eval') applies.
    await pagefind.options({ noWorker: true });
    return pagefind;
  });
  return engine;
}

async function search(words) {
  const ticket = ++latest;
  words = words.trim();
  if (!words) {
    list.replaceChildren();
    status.textContent = "Type a word or two, such as shoes or stretching.";
    return;
  }
  status.textContent = "Searching…";
  let found, total;
  try {
    const pagefind = await loadPagefind();
    const answer = await pagefind.search(words);
    total = answer.results.length;
    found = await Promise.all(answer.results.slice(0, SHOWN).map((result) => result.data()));
  } catch (error) {
    if (ticket === latest) {
      list.replaceChildren();
      status.textContent = "Search is not working right now. Please browse all tips instead.";
      document.querySelector(".search-no-js").hidden = false;
    }
    return;
  }
  if (ticket !== latest) return;
  list.replaceChildren(...found.map(resultItem));
  status.textContent = summary(total, words);
}

function summary(total, words) {
  const quoted = `“${words}”`;
  if (total === 0) return `No tips match ${quoted}. Try other words, or browse all tips.`;
  const count = total === 1 ? `1 tip matches ${quoted}.` : `${total} tips match ${quoted}.`;
  return total > SHOWN ? `${count} Showing the best ${SHOWN}.` : count;
}

function resultItem(data) {
  const item = document.createElement("li");
  item.className = "card";
  const heading = document.createElement("h2");
  heading.className = "card-title";
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  const excerpt = document.createElement("p");
  excerpt.append(...excerptNodes(data.excerpt));
  item.append(heading, excerpt);
  return item;
}

// Pagefind's excerpt is HTML with <mark> around the words found. It is parsed in an inert
// document and rebuilt from its text and marks only, so nothing else from it reaches the page.
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(html, "text/html").body;
  return Array.from(parsed.childNodes, (node) => {
    if (node.nodeName !== "MARK") return document.createTextNode(node.textContent);
    const mark = document.createElement("mark");
    mark.textContent = node.textContent;
    return mark;
  });
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  history.replaceState(null, "", `?q=${encodeURIComponent(input.value)}`);
  search(input.value);
});
input.addEventListener("input", loadPagefind, { once: true });   // start loading while they type

const asked = new URLSearchParams(location.search).get("q");
if (asked) {
  input.value = asked;
  search(asked);
}

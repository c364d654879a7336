// Signpost's side of the web editor (admin.py writes it to /admin/).
//
// Decap would read a tip's front matter and write it back in its own order, without comments.
// These formats keep the file's original text in the entry while it is edited, and on save
// rewrite only the values the editor changed, each in place: key order, comments, quoting and
// everything else stay byte for byte as the author wrote them.

const SOURCE = "__signpost_source";
const FENCE = /^---[ \t]*\r?\n([\s\S]*?\r?\n)?---[ \t]*(?:\r?\n|$)/;

// A Markdown file → {front, body, head}: the front matter's text, the body, and the text before the body.
export function split(text) {
  const match = FENCE.exec(text);
  if (!match) return { front: "", body: text, head: "" };
  return { front: match[1] || "", body: text.slice(match[0].length), head: match[0] };
}

function isEmpty(value) {
  return value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// "key: value" as YAML, in the style the old value was written in (flow list, quotes).
function pairText(YAML, key, value, old) {
  const doc = new YAML.Document({ [key]: value });
  const node = doc.contents.items[0].value;
  if (old && YAML.isCollection(old) && YAML.isCollection(node)) node.flow = old.flow;
  if (old && YAML.isScalar(old) && YAML.isScalar(node) && typeof value === "string" && old.type !== "PLAIN") node.type = old.type;
  return doc.toString({ lineWidth: 0, indentSeq: true, flowCollectionPadding: false }).replace(/\n$/, "");
}

function lineStart(text, index) {
  return text.lastIndexOf("\n", index - 1) + 1;
}

function lineEnd(text, index) {
  const end = text.indexOf("\n", index);
  return end === -1 ? text.length : end + 1;
}

// The front matter with `values` applied: changed keys rewritten where they stand, emptied keys
// removed, new keys added at the end. Keys the form does not know are left alone.
export function rewrite(YAML, front, values) {
  const doc = YAML.parseDocument(front);
  const before = (doc.toJS() || {});
  const pairs = YAML.isMap(doc.contents) ? doc.contents.items : [];
  const edits = [];
  for (const pair of pairs) {
    const key = YAML.isScalar(pair.key) ? pair.key.value : undefined;
    if (!(key in values) || same(before[key], values[key])) continue;
    const start = pair.key.range[0];
    const end = pair.value && pair.value.range ? pair.value.range[1] : pair.key.range[1];
    if (isEmpty(values[key])) edits.push([lineStart(front, start), lineEnd(front, Math.max(start, end - 1)), ""]);
    else {  // a block list's range runs past its last line break: keep that break
      const tail = /\s*$/.exec(front.slice(start, end))[0];
      edits.push([start, end, pairText(YAML, key, values[key], pair.value) + tail]);
    }
  }
  let text = front;
  for (const [start, end, replacement] of edits.sort((a, b) => b[0] - a[0])) {
    text = text.slice(0, start) + replacement + text.slice(end);
  }
  for (const [key, value] of Object.entries(values)) {
    if (key in before || isEmpty(value) || value === false) continue;  // a switch left off adds nothing
    if (text && !text.endsWith("\n")) text += "\n";
    text += pairText(YAML, key, value, null) + "\n";
  }
  return text;
}

export function markdownFormat(YAML) {
  return {
    fromFile(text) {
      const { front, body } = split(text);
      return { ...(YAML.parse(front) || {}), body, [SOURCE]: text };
    },
    toFile(data) {
      const { [SOURCE]: source = "", body: edited = "", ...values } = data;
      const old = split(source);
      // The form's text box drops the blank line the file had after its front matter; keep it.
      const gap = /^\n*/.exec(old.body)[0];
      const body = edited === old.body || edited.startsWith("\n") ? edited : gap + edited;
      const front = rewrite(YAML, old.front, values);
      if (source && front === old.front && body === old.body) return source;
      const head = old.head && front === old.front ? old.head : `---\n${front}---\n`;
      return head + body;
    },
  };
}

export function yamlFormat(YAML) {
  return {
    fromFile(text) {
      return { ...(YAML.parse(text) || {}), [SOURCE]: text };
    },
    toFile(data) {
      const { [SOURCE]: source = "", ...values } = data;
      return rewrite(YAML, source, values);
    },
  };
}

// A picture in a tip: saved to content/images/, and never without a description.
const picture = {
  id: "picture",
  label: "Picture",
  fields: [
    { name: "src", label: "Picture", widget: "image" },
    { name: "alt", label: "What the picture shows (alt text)", widget: "string", required: true,
      hint: "Say what a reader who cannot see it would need to know." },
  ],
  pattern: /^!\[([^\]]+)\]\(([^)\s]+)\)$/,
  fromBlock: (match) => ({ alt: match[1], src: match[2] }),
  toBlock: ({ alt, src }) => `![${alt}](${src})`,
  toPreview: ({ alt, src }) => `<img src="${src}" alt="${alt}">`,
};

async function start() {
  const from = document.querySelector('meta[name="signpost-yaml"]').content;
  const YAML = await import(new URL(from, document.baseURI).href);
  const CMS = window.CMS;
  CMS.registerCustomFormat("signpost-md", "md", markdownFormat(YAML));
  CMS.registerCustomFormat("signpost-yml", "yml", yamlFormat(YAML));
  CMS.registerEditorComponent(picture);
  // Read config.yml here rather than let Decap fetch it: Decap ignores a config file served
  // without a YAML content type (as the preview serves it) once a config is passed in.
  const config = YAML.parse(await (await fetch("config.yml", { credentials: "same-origin" })).text());
  const offset = document.querySelector('meta[name="signpost-local-offset"]');  // the preview only
  if (offset && config.local_backend) {
    const port = Number(location.port || 80) + Number(offset.content);
    config.local_backend = { url: `${location.protocol}//${location.hostname}:${port}/api/v1` };
  }
  CMS.init({ config: { ...config, load_config_file: false } });
}

if (typeof window !== "undefined" && window.CMS) start();

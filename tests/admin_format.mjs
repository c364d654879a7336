// Runs signpost/admin/signpost-cms.js's file formats as the web editor would: read a file, apply the
// form's changes, write it. Input on stdin: {"kind": "md" | "yml", "text": ..., "changes": {...}}.
import { readFileSync } from "node:fs";
import * as YAML from "../node_modules/yaml/browser/dist/index.js";
import { markdownFormat, yamlFormat } from "../signpost/admin/signpost-cms.js";

const { kind, text, changes } = JSON.parse(readFileSync(0, "utf8"));
const format = kind === "md" ? markdownFormat(YAML) : yamlFormat(YAML);
const data = format.fromFile(text);
const saved = format.toFile({ ...data, ...changes });
process.stdout.write(JSON.stringify({ data, saved }));

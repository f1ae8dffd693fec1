// A Go/Helm template is not YAML until it is rendered. The tell is a template action where YAML
// structure goes: at the start of a line (`{{- if … }}`), as a list item, or as an unquoted
// value (`image: {{ .Values.image }}`). Template text inside a block scalar (an alerting rule's
// `description: |` or a ConfigMap holding a Go template) and inside quotes is data, not a
// template, and is left alone.

const ACTION = /^(?:-[ \t]+)*(?:[^\s#'"{][^#'"]*?:[ \t]+)?\{\{.*\}\}/;
const BLOCK_SCALAR_START = /(?:^|:[ \t]+|^-[ \t]+|[ \t]-[ \t]+)[|>][-+0-9]*[ \t]*(?:#.*)?$/;

/**
 * The 1-based line of the first Go/Helm template action written where YAML structure belongs,
 * or undefined when the text is plain YAML (template text inside block scalars and quoted
 * strings does not count).
 */
export function findTemplateLine(text: string): number | undefined {
  if (!hasActionLine(text)) return undefined;
  const lines = text.split('\n');
  let blockParentIndent = -1;
  for (const [index, line] of lines.entries()) {
    const content = line.trimStart();
    const indent = line.length - content.length;
    if (blockParentIndent >= 0) {
      if (content.trim() === '' || indent > blockParentIndent) continue;
      blockParentIndent = -1;
    }
    if (content.startsWith('#')) continue;
    if (ACTION.test(content)) return index + 1;
    if (BLOCK_SCALAR_START.test(content.trimEnd())) blockParentIndent = indent;
  }
  return undefined;
}

/** True when some line holding `{{` looks like an action; only those lines are looked at. */
function hasActionLine(text: string): boolean {
  for (let at = text.indexOf('{{'); at !== -1;) {
    const start = text.lastIndexOf('\n', at) + 1;
    const newline = text.indexOf('\n', at);
    const end = newline === -1 ? text.length : newline;
    if (ACTION.test(text.slice(start, end).trimStart())) return true;
    at = newline === -1 ? -1 : text.indexOf('{{', end);
  }
  return false;
}

// Characters a terminal acts on or shows misleadingly, raw inside JSON strings: C1 controls
// (U+009B is CSI), bidirectional formatting, and the `#` of a legacy GitHub workflow command
// (`##[cmd]` runs from anywhere in a line of a job's log: actions/runner ActionCommand.TryParse).
// JSON.stringify escapes C0 controls but writes all of these raw.
const JSON_UNSAFE = /[\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|#(?=#\[|#vso\[)/g;

/**
 * Makes JSON text safe to print to a terminal or a CI log, and to embed in a YAML block, without
 * changing any value: C1 controls, bidirectional formatting characters and the `#` of a `##[`
 * workflow command are written as `\uXXXX` escapes. In JSON text these characters only occur
 * inside strings, where an escape is always valid, so a parser reads exactly the same document.
 * Lines of JSON never start with `::` (they start with a bracket, a quote or indentation).
 *
 * @example
 * ```ts
 * escapeJsonForTerminal(JSON.stringify({ name: 'x ##[stop-commands]t' })); // '{"name":"x \\u0023#[stop-commands]t"}'
 * ```
 */
export function escapeJsonForTerminal(json: string): string {
  return json.replace(JSON_UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

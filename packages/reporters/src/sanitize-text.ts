// Manifest content is hostile: names, image references and messages may carry terminal escape
// sequences, control characters or bidirectional overrides ("Trojan Source"). Every reporter
// passes such text through these functions before adding its own format's escaping.

// CSI (ESC [ … final), OSC (ESC ] … BEL or ST), other two-byte ESC sequences, and the C1 CSI byte.
const ANSI_SEQUENCE =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
// C0 and C1 controls except tab, line feed and carriage return; DEL.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
// Bidirectional formatting characters, which can make text display differently from its content.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// Lone surrogates cannot be encoded in UTF-8 (nor written to XML).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Removes terminal escape sequences, control characters (keeping tab, CR and LF), bidirectional
 * overrides and lone surrogates.
 */
export function stripControlCharacters(text: string): string {
  return text
    .replace(ANSI_SEQUENCE, '')
    .replace(CONTROL, '')
    .replace(BIDI, '')
    .replace(LONE_SURROGATE, '\ufffd');
}

/** Replaces lone surrogates (which no encoding can carry) with U+FFFD, changing nothing else. */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}

/** {@link stripControlCharacters}, then every run of whitespace becomes one space, trimmed. */
export function toOneLine(text: string): string {
  return stripControlCharacters(text).replace(/\s+/g, ' ').trim();
}

// GitHub Actions runs a line of a job's log as a workflow command when, past leading
// whitespace, it starts with `::` (`::add-mask::`, `::set-output`, `::stop-commands::`), and
// when it holds the legacy `##[command]` anywhere in the line (actions/runner,
// src/Runner.Common/ActionCommand.cs: TryParseV2 trims and checks the start, TryParse searches
// with IndexOf; ActionCommandManager tries both). Azure Pipelines reads `##vso[` the same way.
const LEGACY_COMMAND = /##(\[|vso\[)/g;
const LINE_START_COMMAND = /^([^\S\n\r]*)::/gm;

/**
 * Makes text that may reach a CI log unable to run a workflow command: `::` at the start of a
 * line (after any blanks) becomes `: :`, and `##[` (or `##vso[`) anywhere becomes `# #[`. The
 * text still reads the same to a person; nothing else changes (terminal colours included).
 *
 * @example
 * ```ts
 * neutralizeWorkflowCommands('::add-mask::x\n  ##[stop-commands]t'); // ': :add-mask::x\n  # #[stop-commands]t'
 * ```
 */
export function neutralizeWorkflowCommands(text: string): string {
  // Every write to stdout and stderr passes here (a JSON report of megabytes too): text without
  // `::` or `##` holds no command, and a plain search says so faster than the patterns.
  if (!text.includes('::') && !text.includes('##')) return text;
  return text.replace(LEGACY_COMMAND, '# #$1').replace(LINE_START_COMMAND, '$1: :');
}

/** Options of {@link sanitizeText}. */
export interface SanitizeTextOptions {
  /**
   * Keep line breaks (a message of several lines); else every run of whitespace becomes one
   * space, so the text cannot start a line of its own.
   * @default false
   */
  readonly multiline?: boolean;
}

/**
 * The one way untrusted text (object and file names, image references, messages of Trivy or a
 * registry) is shown to a person, in every human-readable output: terminal escape sequences
 * (CSI such as screen clearing, OSC 8 links), C0 and C1 controls, bidirectional overrides and
 * lone surrogates are removed, the text is put on one line, and GitHub workflow commands are
 * neutralised ({@link neutralizeWorkflowCommands}). Formats add their own escaping on top
 * (Markdown, Mermaid, DOT); machine formats (JSON, SARIF, JUnit) keep exact values instead.
 *
 * @example
 * ```ts
 * sanitizeText('web\u001b]8;;https://evil\u0007x\u001b]8;;\u001b\\\n::add-mask::t'); // 'webx : :add-mask::t'
 * ```
 */
export function sanitizeText(text: string, options: SanitizeTextOptions = {}): string {
  const clean = options.multiline ? stripControlCharacters(text).replace(/\r\n?/g, '\n') : toOneLine(text);
  return neutralizeWorkflowCommands(clean);
}

/** Shortens text to at most `max` characters, ending with `…` when cut. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return text.slice(0, max);
  let cut = text.slice(0, max - 1);
  // Do not split a surrogate pair.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

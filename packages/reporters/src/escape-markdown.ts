import { sanitizeText } from './sanitize-text.js';

// GitHub turns bare URLs (`https://…`, `www.…`), mentions (`@name`, `@org/team`) and issue
// references (`#12`, `owner/repo#12`) of rendered text into links and notifications. A
// zero-width space, written as an entity so that the Markdown source shows it, after `@` and `#`
// and inside `://` and `www.` stops each of them.
const ZWSP = '&#8203;';
const AUTOLINKS: Readonly<Record<string, string>> = { '@': `@${ZWSP}`, '://': `:${ZWSP}//` };

function breakAutolink(match: string): string | undefined {
  if (match in AUTOLINKS) return AUTOLINKS[match];
  if (/^www\.$/i.test(match)) return `${match.slice(0, 3)}${ZWSP}.`;
  return undefined;
}

const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#+!|~&<>@]|:\/\/|\bwww\./gi;
const HTML_SPECIAL = /[&<>"'@#]|:\/\/|\bwww\./gi;
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes untrusted text for inline Markdown (GitHub flavour), including table cells: it is
 * {@link sanitizeText} (one line, no escapes or workflow commands), cannot open HTML, links,
 * emphasis or code, cannot end a table cell, and becomes no autolink, mention or issue link.
 * One pass, so that no escape is escaped again.
 */
export function escapeMarkdown(text: string): string {
  return sanitizeText(text).replace(MARKDOWN_SPECIAL, (match) => {
    if (match === '#') return `\\#${ZWSP}`;
    return breakAutolink(match) ?? ENTITIES[match] ?? `\\${match}`;
  });
}

/**
 * Escapes untrusted text for raw HTML inside Markdown (such as `<summary>`), where Markdown is
 * not processed: {@link sanitizeText}, entities, and no autolink, mention or issue link.
 */
export function escapeHtml(text: string): string {
  return sanitizeText(text).replace(HTML_SPECIAL, (match) => {
    if (match === '#') return `#${ZWSP}`;
    return breakAutolink(match) ?? ENTITIES[match] ?? match;
  });
}

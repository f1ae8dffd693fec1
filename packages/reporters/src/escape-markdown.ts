import { toOneLine } from './sanitize-text.js';

/**
 * Escapes untrusted text for inline Markdown (GitHub flavour), including table cells: it stays
 * on one line, cannot open HTML, links, emphasis or code, cannot end a table cell, and cannot
 * mention users (`@name`) or teams.
 */
export function escapeMarkdown(text: string): string {
  return toOneLine(text)
    .replace(/[\\`*_{}[\]()#+!|~]/g, (char) => `\\${char}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '@&#8203;');
}

/**
 * Escapes untrusted text for raw HTML inside Markdown (such as `<summary>`), where Markdown is
 * not processed: on one line, entities only.
 */
export function escapeHtml(text: string): string {
  return toOneLine(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/@/g, '@&#8203;');
}

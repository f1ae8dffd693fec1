import { stripControlCharacters } from './sanitize-text.js';

// Characters XML 1.0 does not allow at all, not even as character references.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/**
 * Escapes text for XML element content. The `#` of a `##[` workflow command and the first `:`
 * of a `::` at a line start are written as character references, so that the XML printed to a
 * CI log runs no GitHub workflow command while a parser reads the exact text.
 */
export function escapeXmlText(text: string): string {
  return stripControlCharacters(text)
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/#(?=#\[|#vso\[)/g, '&#35;')
    .replace(/^([^\S\n\r]*):(?=:)/gm, '$1&#58;');
}

/** Escapes text for a double-quoted XML attribute value; line breaks and tabs survive as references. */
export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

import { escapeXmlAttribute, escapeXmlText } from './escape-xml.js';

/** An XML element: its name, attributes (undefined values left out), children or text. */
export interface XmlElement {
  readonly name: string;
  readonly attributes?: Readonly<Record<string, string | number | undefined>>;
  readonly children?: readonly XmlElement[];
  readonly text?: string;
}

function formatAttributes(attributes: XmlElement['attributes']): string {
  if (!attributes) return '';
  return Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXmlAttribute(String(value))}"`)
    .join('');
}

function writeElement(element: XmlElement, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth);
  const open = `${indent}<${element.name}${formatAttributes(element.attributes)}`;
  if (element.text !== undefined) {
    lines.push(`${open}>${escapeXmlText(element.text)}</${element.name}>`);
  } else if (element.children && element.children.length > 0) {
    lines.push(`${open}>`);
    for (const child of element.children) writeElement(child, depth + 1, lines);
    lines.push(`${indent}</${element.name}>`);
  } else {
    lines.push(`${open}/>`);
  }
}

/** Writes an XML document (UTF-8 declaration, two-space indentation, trailing newline). */
export function writeXml(root: XmlElement): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  writeElement(root, 0, lines);
  return `${lines.join('\n')}\n`;
}

import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown } from './escape-markdown.js';
import { escapeXmlAttribute, escapeXmlText } from './escape-xml.js';
import { stripControlCharacters, toOneLine, toWellFormed, truncateText } from './sanitize-text.js';

describe('stripControlCharacters', () => {
  it('removes ANSI CSI and OSC sequences, C0/C1 controls and bidi overrides, keeping tab and line breaks', () => {
    expect(stripControlCharacters('\u001b[1;31mred\u001b[0m')).toBe('red');
    expect(stripControlCharacters('\u001b]8;;https://evil\u0007link\u001b]8;;\u001b\\')).toBe('link');
    expect(stripControlCharacters('a\u0000b\u0007c\u009b31md\u007f')).toBe('abcd');
    expect(stripControlCharacters('admin\u202e\u2066txt.exe')).toBe('admintxt.exe');
    expect(stripControlCharacters('a\tb\nc\r\n')).toBe('a\tb\nc\r\n');
  });

  it('replaces lone surrogates but keeps pairs', () => {
    expect(toWellFormed('a\ud800b😀')).toBe('a\ufffdb😀');
    expect(toOneLine(' a \n\t b ')).toBe('a b');
  });

  it('cuts text without splitting a surrogate pair', () => {
    expect(truncateText('abcdef', 4)).toBe('abc…');
    expect(truncateText('ab😀cd', 4)).toBe('ab…');
    expect(truncateText('abc', 3)).toBe('abc');
  });
});

describe('escapeMarkdown and escapeHtml', () => {
  it('neutralises Markdown and HTML syntax, table pipes and mentions', () => {
    expect(escapeMarkdown('a|b *c* [d](e) `f` <g> @h #1\nnext')).toBe(
      'a\\|b \\*c\\* \\[d\\]\\(e\\) \\`f\\` &lt;g&gt; @&#8203;h \\#1 next',
    );
    expect(escapeHtml('<a href="x">@me</a> & \'q\'')).toBe(
      '&lt;a href=&quot;x&quot;&gt;@&#8203;me&lt;/a&gt; &amp; &#39;q&#39;',
    );
  });
});

describe('escapeXml', () => {
  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXmlText('a<b>&c]]>\u0001\ufffe')).toBe('a&lt;b&gt;&amp;c]]&gt;');
    expect(escapeXmlAttribute('say "hi"\nto \'you\'\t')).toBe(
      'say &quot;hi&quot;&#10;to &apos;you&apos;&#9;',
    );
  });
});

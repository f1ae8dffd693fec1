import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown } from './escape-markdown.js';
import { escapeXmlAttribute, escapeXmlText } from './escape-xml.js';
import { escapeJsonForTerminal } from '@sluice/core';
import {
  neutralizeWorkflowCommands,
  sanitizeText,
  stripControlCharacters,
  toOneLine,
  toWellFormed,
  truncateText,
} from './sanitize-text.js';

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
      'a\\|b \\*c\\* \\[d\\]\\(e\\) \\`f\\` &lt;g&gt; @&#8203;h \\#&#8203;1 next',
    );
    expect(escapeHtml('<a href="x">@me</a> & \'q\'')).toBe(
      '&lt;a href=&quot;x&quot;&gt;@&#8203;me&lt;/a&gt; &amp; &#39;q&#39;',
    );
  });

  it('turns no URL, www address, mention or issue reference into a link, and escapes nothing twice', () => {
    expect(escapeMarkdown('see https://evil.example/x WWW.evil.example @org/team acme/repo#12')).toBe(
      'see https:&#8203;//evil.example/x WWW&#8203;.evil.example @&#8203;org/team acme/repo\\#&#8203;12',
    );
    expect(escapeHtml("it's #3 at http://a.b")).toBe('it&#39;s #&#8203;3 at http:&#8203;//a.b');
  });
});

describe('sanitizeText and neutralizeWorkflowCommands', () => {
  it('strips OSC 8 links, screen clearing and bidi overrides, and keeps the text on one line', () => {
    expect(
      sanitizeText(
        'web\u001b]8;;https://evil.example\u0007click\u001b]8;;\u001b\\\u001b[2J\u001b[H\u202egnp.exe\nnext',
      ),
    ).toBe('webclickgnp.exe next');
  });

  it('neutralises GitHub workflow commands: :: at a line start, ##[ and ##vso[ anywhere', () => {
    expect(sanitizeText('::add-mask::ghp_x')).toBe(': :add-mask::ghp_x');
    expect(sanitizeText('  ::stop-commands::tok')).toBe(': :stop-commands::tok');
    expect(sanitizeText('name ##[set-output name=x;]y ##vso[task.setvariable]z')).toBe(
      'name # #[set-output name=x;]y # #vso[task.setvariable]z',
    );
    // A line break in a name cannot start a line of its own.
    expect(sanitizeText('web\n::set-output name=verdict::pass')).toBe('web ::set-output name=verdict::pass');
    expect(sanitizeText('a\r\n::warning::x\n\t::error::y', { multiline: true })).toBe(
      'a\n: :warning::x\n\t: :error::y',
    );
    expect(neutralizeWorkflowCommands('\u001b[31mred\u001b[0m ::ok\n::x')).toBe(
      '\u001b[31mred\u001b[0m ::ok\n: :x',
    );
  });

  it('escapes JSON for a terminal without changing any value', () => {
    const value = { name: 'x ##[stop-commands]t \u009b2J \u202eexe ##vso[y]', ok: 'https://a.b #1 ::c' };
    const text = escapeJsonForTerminal(JSON.stringify(value, null, 2));
    expect(text).not.toMatch(/##\[|##vso\[|[\u0080-\u009f\u202e]/);
    expect(text).toContain('\\u0023#[stop-commands]');
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('escapeXml', () => {
  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXmlText('a<b>&c]]>\u0001\ufffe')).toBe('a&lt;b&gt;&amp;c]]&gt;');
    expect(escapeXmlAttribute('say "hi"\nto \'you\'\t')).toBe(
      'say &quot;hi&quot;&#10;to &apos;you&apos;&#9;',
    );
    // Workflow commands become character references: a parser reads the same text.
    expect(escapeXmlText('a ##[error]x\n  ::add-mask::y')).toBe('a &#35;#[error]x\n  &#58;:add-mask::y');
  });
});

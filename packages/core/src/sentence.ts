// Reasons are built from parts that come from elsewhere (scanner messages, registry errors), some
// ending with a period and some not; joining them by hand gave "…RepoDigests).. It blocks nothing".

const SENTENCE_END = /[.!?…]["'”’)\]]*$/;

/** The text, trimmed, ending with exactly one sentence mark (`.` added only when none ends it). */
export function endSentence(text: string): string {
  const trimmed = text.trim().replace(/[\s,;:]+$/, '');
  if (trimmed === '') return '';
  return SENTENCE_END.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * Joins parts into sentences separated by one space, each ending with one sentence mark; empty
 * parts are skipped.
 *
 * @example
 * ```ts
 * joinSentences('The scan failed (not-found): no report.', 'It blocks nothing');
 * // 'The scan failed (not-found): no report. It blocks nothing.'
 * ```
 */
export function joinSentences(...parts: readonly string[]): string {
  return parts
    .map(endSentence)
    .filter((part) => part !== '')
    .join(' ');
}

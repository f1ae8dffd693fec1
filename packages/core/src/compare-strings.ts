// Apart from diagnostic.ts (a zod schema) so that the file walk, on every run's path, does not
// load zod.

/** Locale-independent string comparison (code unit order), used for every sort in Sluice. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

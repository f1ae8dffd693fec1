/**
 * Whether go-yaml v2 (the encoder behind sigs.k8s.io/yaml `JSONToYAML`, which kustomize's
 * `Resource.AsYAML` uses) may write a string as a plain scalar: only when, read back plain, it
 * would still be a string (`encode.go` `stringv`: `resolve("", s)` is `!!str` and the string is
 * not a base-60 float). Written from go-yaml v2.4.0 `resolve.go`; only the tag matters here.
 */
export function resolvesToString(text: string): boolean {
  return resolveTag(text) === 'str' && !isBase60Float(text);
}

// resolve.go: the values looked up in a map (YAML 1.1 booleans, null, infinities, NaN, merge).
const RESOLVE_MAP: ReadonlySet<string> = new Set([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'],
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'],
  ...['', '~', 'null', 'Null', 'NULL'],
  ...['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF'],
  '<<',
]);

function hintOf(char: string | undefined): 'S' | 'D' | 'M' | '.' | 'N' | undefined {
  if (char === undefined) return 'N';
  if (char === '+' || char === '-') return 'S';
  if (char >= '0' && char <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(char)) return 'M';
  if (char === '.') return '.';
  return undefined;
}

function resolveTag(text: string): 'str' | 'other' {
  const hint = hintOf(text[0]);
  if (hint === undefined) return 'str';
  if (RESOLVE_MAP.has(text)) return 'other';
  switch (hint) {
    case '.':
      return isGoFloat(text) ? 'other' : 'str';
    case 'D':
    case 'S': {
      if (isTimestamp(text)) return 'other';
      const plain = text.replaceAll('_', '');
      if (isGoInt(plain) || (YAML_STYLE_FLOAT.test(plain) && isGoFloat(plain))) return 'other';
      if (
        plain.startsWith('0b') &&
        /^[01]+$/.test(plain.slice(2)) &&
        fitsUint64(BigInt(`0b${plain.slice(2)}`))
      )
        return 'other';
      if (plain.startsWith('-0b') && /^[01]+$/.test(plain.slice(3))) return 'other';
      return 'str';
    }
    default:
      return 'str';
  }
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** encode.go `isBase60Float`: quoted on the way out for YAML 1.1 parsers. */
function isBase60Float(text: string): boolean {
  const first = text[0];
  if (first === undefined || !(first === '+' || first === '-' || (first >= '0' && first <= '9')))
    return false;
  return text.includes(':') && BASE60_FLOAT.test(text);
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function fitsUint64(value: bigint): boolean {
  return value >= 0n && value <= UINT64_MAX;
}

/** Go `strconv.ParseInt(s, 0, 64)` or `ParseUint(s, 0, 64)` succeeds (no underscores left). */
function isGoInt(text: string): boolean {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return false;
  const [, sign = '', digits = ''] = match;
  let magnitude: bigint;
  if (/^0[oO]/.test(digits)) magnitude = BigInt(`0o${digits.slice(2)}`);
  else if (/^0[0-7]+$/.test(digits)) magnitude = BigInt(`0o${digits.slice(1)}`);
  else magnitude = BigInt(digits);
  if (sign === '-') return -magnitude >= INT64_MIN;
  // ParseUint takes no sign; ParseInt takes "+".
  return sign === '+' ? magnitude <= INT64_MAX : magnitude <= UINT64_MAX;
}

/** Go `strconv.ParseFloat(s, 64)` accepts the text (decimal, hexadecimal, inf, nan). */
function isGoFloat(text: string): boolean {
  if (/^[+-]?(inf|infinity|nan)$/i.test(text)) return !/^[+-]nan$/i.test(text);
  const body = text.replace(/^[+-]/, '');
  // Go syntax: underscores only between digits.
  if (
    body.includes('_') &&
    !/^(0[xX])?[0-9a-fA-F]+(_[0-9a-fA-F]+)*(\.[0-9a-fA-F_]*)?([eEpP][+-]?[0-9_]+)?$/.test(body)
  )
    return false;
  const plain = body.replaceAll('_', '');
  return (
    /^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(plain) ||
    /^0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+$/.test(plain)
  );
}

/** resolve.go `parseTimestamp`: YYYY-M-D, optionally with a time, in the four accepted layouts. */
function isTimestamp(text: string): boolean {
  return (
    (/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$/.test(text) ||
      /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$/.test(
        text,
      ) ||
      /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2} [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?$/.test(text)) &&
    validDate(text)
  );
}

function validDate(text: string): boolean {
  const [year, month, day] = text
    .slice(0, 10)
    .split(/[-Tt ]/)
    .map(Number) as [number, number, number];
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > days) return false;
  const time = /[Tt ]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})/.exec(text);
  return !time || (Number(time[1]) < 24 && Number(time[2]) < 60 && Number(time[3]) < 60);
}

/** Appends a key to a field path: `spec` + `containers` → `spec.containers`, + 0 → `spec.containers[0]`. */
export function appendFieldPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

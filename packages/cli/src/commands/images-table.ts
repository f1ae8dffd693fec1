import { sanitizeText } from '@sluice/reporters';
import type { RepositoryInventory } from '../inspect-repository.js';

/**
 * A plain-text listing of the images: per Flux object in Flux mode, then every location. Every
 * name, path and message comes from the repository: each goes through `sanitizeText`.
 */
export function renderImagesTable(inventory: RepositoryInventory): string {
  const lines: string[] = [];
  const safe = (text: string | number): string => sanitizeText(String(text));
  if (inventory.mode === 'flux') {
    for (const workload of inventory.workloads) {
      const how =
        workload.method === 'unresolved'
          ? `unresolved: ${safe(workload.unresolvedReason ?? 'unknown reason')}`
          : workload.method;
      lines.push(`${safe(workload.id)}  (${safe(workload.file)}:${workload.line}, ${how})`);
      if (workload.images.length === 0) lines.push('  (no images)');
      for (const image of workload.images) lines.push(`  ${safe(image.ref)}`);
    }
    lines.push('');
  }
  lines.push(`${inventory.images.length} unique image${inventory.images.length === 1 ? '' : 's'}:`);
  for (const image of inventory.images) {
    lines.push(safe(image.ref));
    for (const location of image.locations) {
      const owner = safe(
        `${location.kind}/${location.namespace ? `${location.namespace}/` : ''}${location.name}`,
      );
      const container = location.container ? ` container ${safe(location.container)}` : '';
      lines.push(`  ${safe(location.file)}:${location.line}:${location.column}  ${owner}${container}`);
    }
  }
  if (inventory.diagnostics.length > 0) {
    lines.push(
      '',
      `${inventory.diagnostics.length} diagnostic${inventory.diagnostics.length === 1 ? '' : 's'}:`,
    );
    for (const diagnostic of inventory.diagnostics) {
      const where = [diagnostic.file || '(repository)', diagnostic.line, diagnostic.column]
        .filter((part) => part !== undefined)
        .join(':');
      lines.push(
        `  ${safe(where)}: ${diagnostic.severity} ${safe(diagnostic.code)}: ${safe(diagnostic.message)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

import type { RepositoryInventory } from '../inspect-repository.js';

/** A plain-text listing of the images: per Flux object in Flux mode, then every location. */
export function renderImagesTable(inventory: RepositoryInventory): string {
  const lines: string[] = [];
  if (inventory.mode === 'flux') {
    for (const workload of inventory.workloads) {
      const how =
        workload.method === 'unresolved'
          ? `unresolved: ${workload.unresolvedReason ?? 'unknown reason'}`
          : workload.method;
      lines.push(`${workload.id}  (${workload.file}:${workload.line}, ${how})`);
      if (workload.images.length === 0) lines.push('  (no images)');
      for (const image of workload.images) lines.push(`  ${image.ref}`);
    }
    lines.push('');
  }
  lines.push(`${inventory.images.length} unique image${inventory.images.length === 1 ? '' : 's'}:`);
  for (const image of inventory.images) {
    lines.push(image.ref);
    for (const location of image.locations) {
      const owner = `${location.kind}/${location.namespace ? `${location.namespace}/` : ''}${location.name}`;
      const container = location.container ? ` container ${location.container}` : '';
      lines.push(`  ${location.file}:${location.line}:${location.column}  ${owner}${container}`);
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
      lines.push(`  ${where}: ${diagnostic.severity} ${diagnostic.code}: ${diagnostic.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

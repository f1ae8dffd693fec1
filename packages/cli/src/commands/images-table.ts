import { sanitizeText } from '@sluice/reporters/sanitize-text';
import type { RepositoryInventory } from '../inspect-repository.js';

/**
 * A plain-text listing of the images: per Flux object in Flux mode (those a cluster deploys
 * first, then, one line each, those no cluster deploys), then every location. Every name, path
 * and message comes from the repository: each goes through `sanitizeText`.
 */
export function renderImagesTable(inventory: RepositoryInventory): string {
  const lines: string[] = [];
  const safe = (text: string | number): string => sanitizeText(String(text));
  if (inventory.mode === 'flux') {
    // An object no cluster reaches has no cluster; listed apart, it does not bury what is deployed.
    const unreached = inventory.workloads.filter((workload) => workload.cluster === undefined);
    for (const workload of inventory.workloads.filter((each) => each.cluster !== undefined)) {
      const how =
        workload.method === 'unresolved'
          ? `unresolved: ${safe(workload.unresolvedReason ?? 'unknown reason')}`
          : workload.method;
      lines.push(`${safe(workload.id)}  (${safe(workload.file)}:${workload.line}, ${how})`);
      if (workload.images.length === 0) lines.push('  (no images)');
      for (const image of workload.images) lines.push(`  ${safe(image.ref)}`);
    }
    if (unreached.length > 0) {
      lines.push(
        '',
        `${unreached.length} object${unreached.length === 1 ? '' : 's'} no cluster deploys (no Kustomization build reads ${unreached.length === 1 ? 'its file' : 'their files'}):`,
      );
      for (const workload of unreached) {
        lines.push(`  ${safe(workload.id)}  (${safe(workload.file)}:${workload.line})`);
      }
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

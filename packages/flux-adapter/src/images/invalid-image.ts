import type { Diagnostic } from '@sluice/core';
import type { ValueOrigin } from '../kustomize/provenance.js';
import type { InvalidImageField } from './find-pod-images.js';

/**
 * The `invalid-image-reference` error for a container whose `image` is not a non-empty string,
 * at the line the value was written (else at `fallback`, the object's own line).
 */
export function invalidImageDiagnostic(
  field: Pick<InvalidImageField, 'description' | 'fieldPath' | 'containerName'>,
  origin: ValueOrigin | undefined,
  fallback: { readonly file: string; readonly line: number },
  object: { readonly kind: string; readonly name: string },
  fluxObject: string,
): Diagnostic {
  const container = field.containerName ? ` container ${field.containerName}` : '';
  return {
    file: origin?.file ?? fallback.file,
    line: origin?.line ?? fallback.line,
    ...(origin ? { column: origin.column } : {}),
    severity: 'error',
    code: 'invalid-image-reference',
    message: `Image of ${object.kind}/${object.name}${container} (${field.fieldPath}) is ${field.description}, not an image reference; it is not scanned`,
    object: fluxObject,
  };
}

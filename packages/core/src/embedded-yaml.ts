import { findImageFields } from './extract-images.js';
import type { ImageField } from './image-extractor.js';
import { isPlainObject } from './manifest.js';
import { parseYaml } from './parse-yaml.js';
import type { SourcePosition } from './source-text.js';
import type { YamlPositions } from './yaml-positions.js';

/** An image field found in YAML embedded in a string, with where it is written in that string. */
export interface EmbeddedImageField {
  /** The field, as the extractors return it (`holder[key]` is the image, or `value`/`problem`). */
  readonly field: ImageField;
  /** The extractor that found it (`workload`, `pod-spec`, `container-list`). */
  readonly extractor: string;
  /** 1-based line and column of the image text inside the string, when known. */
  readonly position: SourcePosition | undefined;
  /** 0-based index of the YAML document inside the string. */
  readonly documentIndex: number;
}

/** Options of {@link findEmbeddedImageFields}; every field is optional. */
export interface EmbeddedYamlOptions {
  /** Longest string read as YAML, in UTF-16 code units; longer ones are left alone. Default: 1 MiB. */
  readonly maxLength?: number;
}

const DEFAULT_MAX_LENGTH = 1024 * 1024;
// Extractors whose findings make a string a pod template: a workload, a PodSpec at any depth.
const POD_EXTRACTORS = new Set(['workload', 'pod-spec']);
// Every pod template, PodSpec and container list names a container image.
const MENTIONS_IMAGE = /(^|[\s{,"'])image["']?\s*:/m;

/**
 * The image fields of YAML embedded in a string: a Kubernetes workload, Pod, pod template or
 * PodSpec (CI runner job templates, operator pod templates a ConfigMap key or a Helm value
 * holds), one or more documents, or a bare list of containers. The same extractors as for
 * manifests find them (the workload extractor and the PodSpec search, within their depth and
 * node limits). A string that is not such YAML (most are not: text, TOML, a Go template that does
 * not parse) yields nothing and is not an error; nothing in it is evaluated.
 *
 * @example
 * ```ts
 * findEmbeddedImageFields('spec:\n  containers:\n    - name: job\n      image: alpine:3.20\n');
 * // [{ field: { fieldPath: 'spec.containers[0].image', … }, position: { line: 4, column: 14 }, … }]
 * ```
 */
export function findEmbeddedImageFields(
  text: string,
  options: EmbeddedYamlOptions = {},
): EmbeddedImageField[] {
  if (text.length > (options.maxLength ?? DEFAULT_MAX_LENGTH) || !MENTIONS_IMAGE.test(text)) return [];
  const found: EmbeddedImageField[] = [];
  // Diagnostics of the string's own YAML are dropped: a string that is not YAML is just text.
  for (const document of parseYaml(text, '').documents) {
    for (const { field, extractor } of embeddedFields(document.value)) {
      found.push({
        field,
        extractor,
        position: positionOf(document.positions, field),
        documentIndex: document.index,
      });
    }
  }
  return found;
}

function embeddedFields(value: unknown): { field: ImageField; extractor: string }[] {
  if (Array.isArray(value)) return containerListFields(value);
  if (!isPlainObject(value)) return [];
  return findImageFields(value, { maxDepth: 64 }).fields.filter(({ extractor }) =>
    POD_EXTRACTORS.has(extractor),
  );
}

/** A bare container list (`- name: job\n  image: …`): items with a string `image` and a `name`. */
function containerListFields(list: readonly unknown[]): { field: ImageField; extractor: string }[] {
  const containers = list.filter(isPlainObject);
  // A list of anything else (tags, hosts) is not a container list.
  if (!containers.some((item) => typeof item.image === 'string' && typeof item.name === 'string')) return [];
  return list.flatMap((item, index) =>
    isPlainObject(item) && 'image' in item
      ? [
          {
            field: {
              holder: item,
              key: 'image',
              fieldPath: `[${index}].image`,
              ...(typeof item.name === 'string' ? { container: item.name } : {}),
            },
            extractor: 'container-list',
          },
        ]
      : [],
  );
}

function positionOf(positions: YamlPositions, field: ImageField): SourcePosition | undefined {
  return positions.positionOf(field.holder, field.key);
}

/**
 * Where a position inside an embedded string is in the file: for a literal block scalar (`|`),
 * whose lines are the file's lines less the block's indentation, `inner` shifted by the position
 * of the string's first character; for any other string (quoted, plain, folded `>`, whose lines
 * are not the file's), the string's own position.
 */
export function mapEmbeddedPosition(
  string: SourcePosition,
  inner: SourcePosition | undefined,
  style: 'literal' | 'folded' | 'flow' | undefined,
): SourcePosition {
  if (style !== 'literal' || inner === undefined) return string;
  return { line: string.line + inner.line - 1, column: string.column + inner.column - 1 };
}

import { describe, expect, it } from 'vitest';
import { extractImages } from './extract-images.js';
import { parseManifests } from './manifest.js';
import { collectUniqueImages } from './unique-images.js';

const pod = (name: string, ...images: string[]) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  containers:\n${images.map((image, index) => `    - name: c${index}\n      image: ${image}\n`).join('')}`;

describe('collectUniqueImages', () => {
  it('groups by normalized reference, sorted, with sorted locations', () => {
    const references = [
      ...extractImages(
        parseManifests(pod('b', 'nginx:1.25', 'docker.io/library/nginx:1.25'), 'z.yaml').documents,
      ).references,
      ...extractImages(parseManifests(pod('a', 'redis', 'nginx:1.25'), 'a.yaml').documents).references,
    ];
    const images = collectUniqueImages(references);
    expect(images.map((image) => image.ref)).toEqual([
      'docker.io/library/nginx:1.25',
      'docker.io/library/redis:latest',
    ]);
    expect(images[0]!.locations.map((location) => [location.file, location.line, location.raw])).toEqual([
      ['a.yaml', 9, 'nginx:1.25'],
      ['z.yaml', 7, 'nginx:1.25'],
      ['z.yaml', 9, 'docker.io/library/nginx:1.25'],
    ]);
    expect(images[1]!.locations[0]).toEqual({
      file: 'a.yaml',
      line: 7,
      column: 14,
      raw: 'redis',
      kind: 'Pod',
      name: 'a',
      container: 'c0',
      fieldPath: 'spec.containers[0].image',
      documentIndex: 0,
    });
  });

  it('is deterministic whatever the input order and keeps a repeated location once', () => {
    const { references } = extractImages(
      parseManifests(pod('p', 'a:1', 'b:1', 'a:1', 'c:1'), 'p.yaml').documents,
    );
    const shuffled = [references[3]!, references[1]!, references[0]!, references[2]!, references[0]!];
    expect(JSON.stringify(collectUniqueImages(shuffled))).toBe(
      JSON.stringify(collectUniqueImages(references)),
    );
    expect(collectUniqueImages(shuffled)[0]!.locations).toHaveLength(2);
  });
});

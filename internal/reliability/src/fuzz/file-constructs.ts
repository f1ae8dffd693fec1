// Constructs of issue #16 that hide the marker image in a manifest Sluice cannot read exactly
// (docs/reliability.md section 8, F8–F16): each is written as a new resource of the target
// folder, or appended as one more document to a manifest of that folder a build already reads.
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { deployment, VULNERABLE_IMAGE } from '../flux/gate-repo.js';
import { addResource, editKustomization, pickOne, writeRepoFile } from './fuzz-target.js';
import type { Construct, FuzzTarget, Injection } from './fuzz-target.js';

const GOOD = 'ghcr.io/sluice-test/good:1.0.0';
const evil = (image = VULNERABLE_IMAGE): string => deployment(image, 'sluice-fuzz-evil');

/** The marker document and how it is stored, for each variant. */
const UNREADABLE: Readonly<Record<string, { text: () => string; encode?: (text: string) => Uint8Array }>> = {
  // Past the 10 MiB cap; repeated comment lines are cheap to build and write.
  padded: { text: () => `${`# ${'x'.repeat(1021)}\n`.repeat(10 * 1024 + 4)}${evil()}` },
  utf16: {
    text: () => evil(),
    encode: (text) =>
      new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])),
  },
  'line-separator': {
    text: () =>
      evil(GOOD).replace(
        `          image: ${GOOD}`,
        `          image: ${GOOD}\u2028        - name: evil\u2028          image: ${VULNERABLE_IMAGE}`,
      ),
  },
  sops: {
    text: () =>
      `${evil('ENC[AES256_GCM,data:8fWCj0Vw1Jg4TFyXxmGUo7XhZg==,iv:Wcb0y0Hk8vI=,tag:6sQ2p2Lq==,type:str]')}sops:\n  age: []\n  version: 3.9.0\n`,
  },
  'invalid-reference': { text: () => evil('ghcr.io/Evil/vulnerable:1.0') },
  'deep-yaml': {
    text: () => {
      let deep = 'deep:\n';
      for (let level = 0; level < 120; level++) deep += `${'  '.repeat(level + 1)}l${level}:\n`;
      return `${evil()}${deep}${'  '.repeat(121)}image: ${VULNERABLE_IMAGE}\n`;
    },
  },
};

/** A manifest the target folder's builds already read and that deploys an image, with its readers. */
function existingManifests(target: FuzzTarget): { file: string; owners: string[] }[] {
  const files = new Set<string>();
  for (const image of target.baseline.repo.images)
    for (const location of image.locations)
      if (posix.dirname(location.file) === target.folder && /\.ya?ml$/.test(location.file))
        files.add(location.file);
  return [...files]
    .filter((file) => !/(^|\/)kustomization\.ya?ml$/.test(file))
    .sort()
    .map((file) => ({ file, owners: [...(target.baseline.readers.get(file) ?? [])].sort() }))
    .filter((entry) => entry.owners.length > 0);
}

/** F8–F13, F16: padding, UTF-16, U+2028, SOPS, an invalid reference, nesting past 100 levels. */
export const unreadableManifest: Construct = async (target, random) => {
  const variant = pickOne(Object.keys(UNREADABLE).sort(), random);
  const { text, encode } = UNREADABLE[variant]!;
  const existing = existingManifests(target);
  if (existing.length > 0 && random() < 0.5) {
    const { file, owners } = pickOne(existing, random);
    const before = await readFile(join(target.root, file), 'utf8');
    const joined = `${before}${before.endsWith('\n') ? '' : '\n'}---\n${text()}`;
    await writeRepoFile(target.root, file, encode ? encode(joined) : joined);
    return { construct: 'unreadable', variant: `${variant}, appended to ${file}`, files: [file], owners };
  }
  const content = text();
  const files = await addResource(target, 'sluice-fuzz.yaml', encode ? encode(content) : content);
  return files && { construct: 'unreadable', variant: `${variant}, new file`, files, owners: target.owners };
};

/** F15: a custom resource naming the marker as `{registry?, repository, tag}`. */
export const customResourceImage: Construct = async (target, random) => {
  const image = pickOne(
    [
      '    repository: ghcr.io/evil/vulnerable\n    tag: "1.0"\n',
      '    registry: ghcr.io\n    repository: evil/vulnerable\n    tag: "1.0"\n',
    ],
    random,
  );
  const files = await addResource(
    target,
    'sluice-fuzz-vm.yaml',
    `apiVersion: operator.victoriametrics.com/v1beta1\nkind: VMSingle\nmetadata:\n  name: sluice-fuzz\n  namespace: default\nspec:\n  image:\n${image}`,
  );
  const variant = image.includes('registry') ? 'registry+repository+tag' : 'repository+tag';
  return files && { construct: 'custom-resource', variant, files, owners: target.owners };
};

/** F21: the marker at the end of a chain of kustomize bases nested past the 100-level limit. */
export const deepBaseChain: Construct = async (target): Promise<Injection | undefined> => {
  const depth = 105;
  const top = posix.join(target.folder, 'sluice-fuzz-deep');
  let folder = top;
  for (let level = 0; level < depth; level++) {
    const last = level === depth - 1;
    await writeRepoFile(
      target.root,
      posix.join(folder, 'kustomization.yaml'),
      last ? 'resources: [app.yaml]\n' : 'resources: [c]\n',
    );
    if (last) await writeRepoFile(target.root, posix.join(folder, 'app.yaml'), evil());
    folder += '/c';
  }
  const listed =
    target.kustomizationFile === undefined
      ? []
      : await editKustomization(target, 'resources', 'sluice-fuzz-deep');
  if (listed === undefined) return undefined;
  return {
    construct: 'deep-nesting',
    variant: `${depth} nested bases`,
    // Any file of the chain (the limit is reported where it is reached).
    files: [`${top}/`, ...(target.kustomizationFile ? [target.kustomizationFile] : [])],
    owners: target.owners,
  };
};

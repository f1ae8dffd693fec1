// Constructs of issue #16 in the kustomize build and the source artifact (docs/reliability.md
// section 8, F1–F7, and the source-controller rules): remote bases and components,
// transformers/generators/configurations entries, a symlinked kustomization.yaml, and
// `.sourceignore` files that change what Flux's artifact holds.
import { readFile, rm, symlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { deployment, VULNERABLE_IMAGE } from '../flux/gate-repo.js';
import { addResource, editKustomization, pickOne, writeRepoFile } from './fuzz-target.js';
import type { Construct } from './fuzz-target.js';

const evil = (): string => deployment(VULNERABLE_IMAGE, 'sluice-fuzz-evil');

const REMOTE_TARGETS = [
  'https://github.com/evil/repo//deploy?ref=v1',
  'git@github.com:evil/repo.git//deploy',
  'github.com/evil/repo/deploy?ref=v1',
  'git::https://git.example.com/evil/repo.git//deploy',
  'deploy@git.example.com:evil/repo.git//deploy',
  'HTTPS://git.example.com/evil/repo.git//deploy',
  'GitHub.com/evil/repo/deploy',
  'https://raw.githubusercontent.com/evil/repo/main/deploy.yaml',
];

/** F1–F4: a remote base in `resources:` or a remote `components:` entry (Flux fetches both). */
export const remoteBase: Construct = async (target, random) => {
  const key = random() < 0.7 ? 'resources' : 'components';
  const url = pickOne(REMOTE_TARGETS, random);
  const file = await editKustomization(target, key, url);
  if (file === undefined) return undefined;
  return { construct: 'remote-base', variant: `${key}: ${url}`, files: [file], owners: target.owners };
};

/** An image some owner of the target deploys in the baseline, to retarget at the marker. */
function ownersImage(target: Parameters<Construct>[0], random: () => number): string {
  const images = target.baseline.report.objects
    .filter((object) => target.owners.includes(object.id))
    .flatMap((object) => object.images ?? [])
    .sort();
  return images.length > 0 ? pickOne(images, random).replace(/[:@].*$/, '') : 'ghcr.io/sluice-test/good';
}

/** F5–F7: `transformers:`, `generators:` or `configurations:` entries (not reproduced: unknown). */
export const kustomizePlugin: Construct = async (target, random) => {
  if (target.kustomizationFile === undefined) return undefined;
  const variant = pickOne(['transformers', 'generators', 'configurations'], random);
  const name = `sluice-fuzz-${variant}.yaml`;
  const files = [target.kustomizationFile, posix.join(target.folder, name)];
  if (variant === 'transformers') {
    const retag = `apiVersion: builtin\nkind: ImageTagTransformer\nmetadata: {name: sluice-fuzz}\nimageTag: {name: ${ownersImage(target, random)}, newName: ghcr.io/evil/vulnerable, newTag: "1.0"}\n`;
    if ((await editKustomization(target, 'transformers', name)) === undefined) return undefined;
    await writeRepoFile(target.root, files[1]!, retag);
  } else if (variant === 'generators') {
    const generator = `apiVersion: example.com/v1\nkind: Generator\nmetadata:\n  name: sluice-fuzz\n  annotations:\n    config.kubernetes.io/function: |\n      container:\n        image: ${VULNERABLE_IMAGE}\n`;
    if ((await editKustomization(target, 'generators', name)) === undefined) return undefined;
    await writeRepoFile(target.root, files[1]!, generator);
  } else {
    // A custom image field that kustomize's images transformer then rewrites to the marker.
    if ((await editKustomization(target, 'configurations', name)) === undefined) return undefined;
    if (
      (await editKustomization(
        target,
        'images',
        '{name: ghcr.io/sluice-test/fuzz-decoy, newName: ghcr.io/evil/vulnerable, newTag: "1.0"}',
      )) === undefined
    )
      return undefined;
    await writeRepoFile(target.root, files[1]!, 'images:\n  - path: spec/runner/image\n    kind: Runner\n');
    const runner =
      'apiVersion: ci.example.com/v1\nkind: Runner\nmetadata: {name: sluice-fuzz, namespace: default}\nspec:\n  runner: {image: "ghcr.io/sluice-test/fuzz-decoy:0"}\n';
    const added = await addResource(target, 'sluice-fuzz-runner.yaml', runner);
    if (added === undefined) return undefined;
    files.push(...added);
  }
  return { construct: 'kustomize-plugin', variant, files, owners: target.owners };
};

/**
 * Source-controller's artifact differs from the checkout: it drops symlinks (a symlinked
 * kustomization.yaml is gone, Flux generates one from every manifest in the folder), and a
 * `.sourceignore` with any pattern replaces the default excludes (`cloudbuild.yaml` is kept) and
 * a negation re-includes a file inside an excluded folder (archive.go walks excluded folders).
 */
export const sourceArtifact: Construct = async (target, random) => {
  const variant = pickOne(
    ['symlinked-kustomization', 'sourceignore-defaults', 'sourceignore-negation'],
    random,
  );
  const folder = target.folder;
  if (variant === 'symlinked-kustomization') {
    const link = target.kustomizationFile ?? posix.join(folder, 'kustomization.yaml');
    const decoy = posix.join(folder, 'sluice-fuzz-decoy.txt');
    // The decoy keeps the folder's old build, without the marker: what a reader following the link sees.
    const original =
      target.kustomizationFile === undefined
        ? ''
        : await readFile(join(target.root, target.kustomizationFile), 'utf8');
    await writeRepoFile(
      target.root,
      decoy,
      `${original}${original.endsWith('\n') || original === '' ? '' : '\n'}# sluice-fuzz decoy\n`,
    );
    await rm(join(target.root, link), { force: true });
    await symlink('sluice-fuzz-decoy.txt', join(target.root, link));
    const evilFile = posix.join(folder, 'sluice-fuzz-evil.yaml');
    await writeRepoFile(target.root, evilFile, evil());
    return { construct: 'source-artifact', variant, files: [link, evilFile], owners: target.owners };
  }
  const ignore = posix.join(folder, '.sourceignore');
  if (variant === 'sourceignore-defaults') {
    await writeRepoFile(target.root, ignore, '/sluice-fuzz-ignored/\n');
    const added = await addResource(target, 'cloudbuild.yaml', evil());
    return (
      added && { construct: 'source-artifact', variant, files: [ignore, ...added], owners: target.owners }
    );
  }
  await writeRepoFile(target.root, ignore, 'sluice-fuzz-hidden/\n!sluice-fuzz-hidden/evil.yaml\n');
  const added = await addResource(target, 'sluice-fuzz-hidden/evil.yaml', evil());
  return added && { construct: 'source-artifact', variant, files: [ignore, ...added], owners: target.owners };
};

/**
 * Not a walk-around of the issue but the plain way to reach the marker: an `images:` entry of
 * the Kustomization's own kustomization file renaming an image a container of its build runs
 * (Sluice applies kustomize's images transformer: the marker must be found and block).
 */
export const imagesOverride: Construct = async (target, random) => {
  const file = target.kustomizationFile;
  if (file === undefined) return undefined;
  const owners = target.baseline.repo.workloads.filter((workload) => target.owners.includes(workload.id));
  // Only a folder that is the whole build of its owners (a nested base may not hold the container).
  if (owners.length === 0 || owners.some((owner) => owner.path !== target.folder)) return undefined;
  const text = await readFile(join(target.root, file), 'utf8');
  const names = target.baseline.repo.images
    .flatMap((image) => image.locations)
    .filter(
      (location) =>
        location.fluxObjects?.some((id) => target.owners.includes(id)) === true &&
        /containers/i.test(location.fieldPath ?? '') &&
        !/[@${}\s]/.test(location.raw),
    )
    .map((location) => location.raw.replace(/:[^:/]*$/, ''))
    .filter((name) => !text.includes(name));
  if (names.length === 0) return undefined;
  const name = pickOne([...new Set(names)].sort(), random);
  const entry = `{name: ${name}, newName: ghcr.io/evil/vulnerable, newTag: "1.0"}`;
  if ((await editKustomization(target, 'images', entry)) === undefined) return undefined;
  return { construct: 'images-override', variant: name, files: [file], owners: target.owners };
};

// Inputs of the whole-process benchmark, written to a temporary folder: a generated plain
// repository of workload manifests, a tiny repository, an empty folder.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;

/** One compact workload manifest (about 720 bytes): labels, one container, ports, env, resources. */
function workload(index: number): string {
  const kind = KINDS[index % KINDS.length]!;
  const name = `app-${index}`;
  const team = `team-${index % 50}`;
  return `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${team}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/part-of: fleet
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      containers:
        - name: main
          image: registry-${index % 7}.example.com/${team}/${name}:1.${index % 50}.${index % 9}
          args: ["--port=8080", "--log-level=info"]
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: APP_NAME
              value: ${name}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: "1", memory: 512Mi}
`;
}

/** Where the generated inputs are, with their sizes. */
export interface GeneratedRepository {
  readonly folder: string;
  readonly workloads: number;
  readonly files: number;
  readonly bytes: number;
}

/**
 * Writes `count` workload manifests below `folder`, `perFile` documents per file, in 50 team
 * folders (a fleet repository without Flux objects: Sluice reads it in plain mode).
 */
export async function writePlainRepository(
  folder: string,
  count: number,
  perFile = 10,
): Promise<GeneratedRepository> {
  let bytes = 0;
  let files = 0;
  for (let start = 0; start < count; start += perFile) {
    const documents = Array.from({ length: Math.min(perFile, count - start) }, (_, offset) =>
      workload(start + offset),
    );
    const team = join(folder, `team-${(start / perFile) % 50}`);
    await mkdir(team, { recursive: true });
    const text = documents.join('---\n');
    await writeFile(join(team, `workloads-${start / perFile}.yaml`), text);
    bytes += Buffer.byteLength(text);
    files += 1;
  }
  return { folder, workloads: count, files, bytes };
}

/** A repository of one Deployment (the smallest real input). */
export async function writeTinyRepository(folder: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'deployment.yaml'), workload(0));
  return folder;
}

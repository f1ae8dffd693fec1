import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GateReport, ObjectResult, ObjectStatus } from './report.js';
import { isBlockingObject, summarizeGateReport } from './report-summary.js';
import { endSentence, joinSentences } from './sentence.js';

const STATUSES: readonly ObjectStatus[] = ['pass', 'blocked', 'blocked-upstream', 'unknown', 'suspended'];

function report(
  objects: readonly Pick<ObjectResult, 'status' | 'blocking'>[],
  verdicts: readonly ('pass' | 'fail' | 'unknown')[],
  onScanError: 'block' | 'warn' = 'block',
): Pick<GateReport, 'objects' | 'images' | 'policy'> {
  return {
    policy: { severities: ['CRITICAL', 'HIGH'], ignoreUnfixed: false, onScanError },
    objects: objects.map((object, index) => ({
      id: `Kustomization/flux-system/k${index}`,
      reasons: [],
      ...object,
    })),
    images: verdicts.map((verdict, index) => ({
      ref: `docker.io/library/i${index}:1`,
      locations: [],
      outcome: verdict === 'unknown' ? 'error' : 'ok',
      findings: [],
      verdict,
    })),
  };
}

describe('summarizeGateReport', () => {
  it('counts objects by status, the unknown ones that block by their flag, and images by verdict', () => {
    const summary = summarizeGateReport(
      report(
        [
          { status: 'blocked', blocking: true },
          { status: 'blocked-upstream', blocking: true },
          { status: 'unknown', blocking: true },
          { status: 'unknown', blocking: false },
          { status: 'suspended', blocking: false },
          { status: 'pass', blocking: false },
          { status: 'pass', blocking: false },
        ],
        ['fail', 'unknown', 'pass', 'pass'],
      ),
    );
    expect(summary).toEqual({
      objects: {
        total: 7,
        blocking: 3,
        blocked: 1,
        blockedUpstream: 1,
        unknown: 2,
        unknownBlocking: 1,
        suspended: 1,
        pass: 2,
      },
      images: { total: 4, fail: 1, unknown: 1, pass: 2 },
    });
  });

  it('decides an unknown object without a blocking flag by the policy', () => {
    const unknown = [{ status: 'unknown' as const }];
    expect(summarizeGateReport(report(unknown, [], 'block')).objects.blocking).toBe(1);
    expect(summarizeGateReport(report(unknown, [], 'warn')).objects.blocking).toBe(0);
    // blocked and blocked-upstream always block, pass and suspended never, whatever a flag says.
    const sample = report([{ status: 'blocked', blocking: false }], [], 'warn');
    expect(isBlockingObject(sample.objects[0]!, sample)).toBe(true);
  });

  it('keeps its invariants on any mix of objects and images', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            status: fc.constantFrom(...STATUSES),
            blocking: fc.option(fc.boolean(), { nil: undefined }),
          }),
        ),
        fc.array(fc.constantFrom('pass' as const, 'fail' as const, 'unknown' as const)),
        fc.constantFrom('block' as const, 'warn' as const),
        (objects, verdicts, onScanError) => {
          const input = report(
            objects.map(({ status, blocking }) =>
              blocking === undefined ? { status } : { status, blocking },
            ),
            verdicts,
            onScanError,
          );
          const { objects: o, images: i } = summarizeGateReport(input);
          expect(o.total).toBe(o.pass + o.blocked + o.blockedUpstream + o.unknown + o.suspended);
          expect(o.blocking).toBe(o.blocked + o.blockedUpstream + o.unknownBlocking);
          expect(o.blocking).toBe(input.objects.filter((object) => isBlockingObject(object, input)).length);
          expect(i.total).toBe(i.pass + i.fail + i.unknown);
        },
      ),
    );
  });
});

describe('joinSentences', () => {
  it('ends every part with exactly one sentence mark', () => {
    expect(
      joinSentences(
        'The scan failed (not-found): No report matches (by ArtifactName, RepoTags or RepoDigests).',
        'It blocks nothing (onScanError: warn).',
      ),
    ).toBe(
      'The scan failed (not-found): No report matches (by ArtifactName, RepoTags or RepoDigests). It blocks nothing (onScanError: warn).',
    );
    expect(joinSentences('no period', '', '  trailing colon: ', 'question?')).toBe(
      'no period. trailing colon. question?',
    );
    expect(endSentence('quoted "end."')).toBe('quoted "end."');
    expect(endSentence('   ')).toBe('');
  });
});

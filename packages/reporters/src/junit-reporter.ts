import type { GateReport, ImageLocation, ImageResult, ObjectResult } from '@sluice/core';
import { compareStrings, plainObjectId } from '@sluice/core';
import {
  formatFinding,
  formatLocation,
  formatLocationObject,
  fluxObjectsOf,
  hasClusterIds,
  isBlockingFinding,
  plural,
  sortedImages,
} from './report-helpers.js';
import type { Reporter, ReporterContext } from './reporter.js';
import { toOneLine, truncateText } from './sanitize-text.js';
import { writeXml } from './xml-writer.js';
import type { XmlElement } from './xml-writer.js';

/**
 * The JUnit dialect to write. There is no single JUnit standard:
 * - `extended`: the Jenkins/Surefire shape (`junit-10.xsd`) plus `file` and `line` on each
 *   testcase, which GitLab and GitHub annotation actions read (neither XSD declares them);
 * - `junit-10`: exactly `junit-10.xsd` (the manifest location is only in the text);
 * - `ant`: the strict Apache Ant shape (windyroad `JUnit.xsd`): required `timestamp`,
 *   `hostname`, `properties`, `system-out`, `system-err`, one result element per testcase.
 */
export type JunitDialect = 'extended' | 'junit-10' | 'ant';

/** Options of {@link junitReporter}. */
export interface JunitReporterOptions {
  /**
   * Which JUnit dialect to write; see {@link JunitDialect}.
   * @default 'extended'
   */
  readonly dialect?: JunitDialect;
  /**
   * The `name` of the root `<testsuites>`.
   * @default 'sluice'
   */
  readonly name?: string;
  /**
   * Findings named in a failure's one-line message before "and N more".
   * @default 3
   */
  readonly findingsInMessage?: number;
}

/** The suite name of images no Flux object deploys. */
export const OUTSIDE_FLUX_SUITE = 'Images outside Flux';
/** The suite name of Flux objects that no cluster deploys, in a multi-cluster report. */
export const NO_CLUSTER_SUITE = 'Flux objects outside every cluster';
/** The name of the testcase that carries a Flux object's own gate status. */
export const GATE_TESTCASE = 'Flux gate';

type Outcome =
  | { kind: 'pass'; out?: string }
  | { kind: 'failure' | 'error' | 'skipped'; type: string; message: string; body: string };

interface Testcase {
  readonly name: string;
  readonly classname: string;
  readonly location?: ImageLocation;
  readonly outcome: Outcome;
}

interface Suite {
  readonly name: string;
  readonly file?: string;
  readonly testcases: Testcase[];
}

function imageOutcome(report: GateReport, image: ImageResult, findingsInMessage: number): Outcome {
  const locations = image.locations.map(
    (location) => `  ${formatLocation(location)} ${formatLocationObject(location)}`,
  );
  const findings = image.findings.map(
    (finding) =>
      `  ${formatFinding(finding)}${isBlockingFinding(finding, report.policy) ? '' : ' [does not fail the policy]'}`,
  );
  const details = [
    `Image: ${image.ref}${image.digest ? `@${image.digest}` : ''}`,
    ...(locations.length > 0 ? ['Written at:', ...locations] : []),
    ...(findings.length > 0 ? [`Findings (${findings.length}):`, ...findings] : []),
  ];
  if (image.outcome === 'error' || image.verdict === 'unknown') {
    const code = image.error?.code ?? 'unknown';
    const message = toOneLine(
      `The image could not be scanned: ${code}: ${image.error?.message ?? 'no result'}`,
    );
    return { kind: 'error', type: code, message, body: [message, '', ...details].join('\n') };
  }
  if (image.verdict === 'fail') {
    const blocking = image.findings.filter((finding) => isBlockingFinding(finding, report.policy));
    const named = blocking.slice(0, findingsInMessage).map(formatFinding);
    const more = blocking.length > named.length ? ` and ${blocking.length - named.length} more` : '';
    const message =
      blocking.length > 0
        ? toOneLine(
            `${plural(blocking.length, 'finding')} ${blocking.length === 1 ? 'fails' : 'fail'} the policy: ${named.join('; ')}${more}`,
          )
        : toOneLine(image.reasons?.join(' ') || 'The image fails the policy.');
    return { kind: 'failure', type: 'vulnerability', message, body: [message, '', ...details].join('\n') };
  }
  return findings.length > 0 ? { kind: 'pass', out: details.join('\n') } : { kind: 'pass' };
}

function gateOutcome(object: ObjectResult): Outcome {
  const reasons = object.reasons.join(' ');
  const chain = object.chain && object.chain.length > 0 ? `\nChain: ${object.chain.join(' -> ')}` : '';
  const where = object.file ? `\nDefined at: ${object.file}${object.line ? `:${object.line}` : ''}` : '';
  const message = toOneLine(`${object.id} is ${object.status}${reasons ? `: ${reasons}` : ''}`);
  const body = `${message}${chain}${where}`;
  switch (object.status) {
    case 'blocked':
    case 'blocked-upstream':
      return { kind: 'failure', type: object.status, message, body };
    case 'unknown':
      return { kind: 'error', type: 'unknown', message, body };
    case 'suspended':
      return { kind: 'skipped', type: 'suspended', message, body };
    case 'pass':
      return { kind: 'pass' };
  }
}

function buildSuites(report: GateReport, findingsInMessage: number): Suite[] {
  const images = sortedImages(report);
  const objects = [...report.objects].sort((a, b) => compareStrings(a.id, b.id));
  const claimed = new Set<string>();
  const testcasesOf = (object: ObjectResult, prefix: string): Testcase[] => {
    const mine = images.filter(
      (image) => fluxObjectsOf(image).includes(object.id) || object.images?.includes(image.ref),
    );
    for (const image of mine) claimed.add(image.ref);
    return [
      { name: `${prefix}${GATE_TESTCASE}`, classname: object.id, outcome: gateOutcome(object) },
      ...mine.map((image) => ({
        name: `${prefix}${image.ref}`,
        classname: object.id,
        location:
          image.locations.find((location) => location.fluxObjects?.includes(object.id)) ?? image.locations[0],
        outcome: imageOutcome(report, image, findingsInMessage),
      })),
    ];
  };
  let suites: Suite[];
  if (hasClusterIds(report)) {
    const clusters = [...new Set(objects.flatMap((object) => object.cluster ?? []))].sort(compareStrings);
    // One suite per cluster; testcase names carry the object (kind/namespace/name) to stay unique.
    const groups: [string, ObjectResult[]][] = clusters.map((cluster) => [
      cluster,
      objects.filter((object) => object.cluster === cluster),
    ]);
    const outsideClusters = objects.filter((object) => object.cluster === undefined);
    if (outsideClusters.length > 0) groups.push([NO_CLUSTER_SUITE, outsideClusters]);
    suites = groups.map(([name, members]) => ({
      name,
      testcases: members.flatMap((object) => testcasesOf(object, `${plainObjectId(object.id)}: `)),
    }));
  } else {
    suites = objects.map((object) => ({
      name: object.id,
      ...(object.file ? { file: object.file } : {}),
      testcases: testcasesOf(object, ''),
    }));
  }
  const outside = images.filter((image) => !claimed.has(image.ref) && fluxObjectsOf(image).length === 0);
  if (outside.length > 0) {
    suites.push({
      name: OUTSIDE_FLUX_SUITE,
      testcases: outside.map((image) => ({
        name: image.ref,
        classname: OUTSIDE_FLUX_SUITE,
        location: image.locations[0],
        outcome: imageOutcome(report, image, findingsInMessage),
      })),
    });
  }
  return suites;
}

function count(testcases: readonly Testcase[], kind: Outcome['kind']): number {
  return testcases.filter((testcase) => testcase.outcome.kind === kind).length;
}

/** `YYYY-MM-DDTHH:MM:SS` in UTC (the Ant schema allows no zone and no fraction). */
function antTimestamp(now: Date | undefined): string {
  return (now ?? new Date(0)).toISOString().slice(0, 19);
}

function testcaseElement(testcase: Testcase, dialect: JunitDialect): XmlElement {
  const { outcome } = testcase;
  const children: XmlElement[] = [];
  if (outcome.kind === 'pass') {
    if (outcome.out !== undefined && dialect !== 'ant')
      children.push({ name: 'system-out', text: outcome.out });
  } else {
    const attributes =
      outcome.kind === 'skipped'
        ? { message: outcome.message }
        : { type: outcome.type, message: outcome.message };
    children.push({ name: outcome.kind, attributes, text: outcome.body });
  }
  const location = dialect === 'extended' ? testcase.location : undefined;
  return {
    name: 'testcase',
    attributes: {
      name: testcase.name,
      classname: testcase.classname,
      ...(location ? { file: location.file, line: location.line } : {}),
      time: '0',
    },
    children,
  };
}

/** Renders the JUnit XML of a gate report (see {@link junitReporter}). */
export function renderJunit(
  report: GateReport,
  options: JunitReporterOptions = {},
  context: ReporterContext = {},
): string {
  const dialect = options.dialect ?? 'extended';
  const suites = buildSuites(report, options.findingsInMessage ?? 3);
  const all = suites.flatMap((suite) => suite.testcases);
  const suiteElements = suites.map((suite, index): XmlElement => {
    const counts = {
      tests: suite.testcases.length,
      failures: count(suite.testcases, 'failure'),
      errors: count(suite.testcases, 'error'),
      skipped: count(suite.testcases, 'skipped'),
    };
    const testcases = suite.testcases.map((testcase) => testcaseElement(testcase, dialect));
    if (dialect === 'ant') {
      const properties: XmlElement[] = [
        { name: 'property', attributes: { name: 'sluice.version', value: report.tool.version } },
        ...(report.scanner?.version
          ? [{ name: 'property', attributes: { name: 'scanner.version', value: report.scanner.version } }]
          : []),
      ];
      return {
        name: 'testsuite',
        attributes: {
          name: suite.name,
          timestamp: antTimestamp(context.now),
          hostname: 'sluice',
          ...counts,
          time: '0',
          package: suite.name,
          id: index,
        },
        children: [
          { name: 'properties', children: properties },
          ...testcases,
          { name: 'system-out', text: '' },
          { name: 'system-err', text: '' },
        ],
      };
    }
    return {
      name: 'testsuite',
      attributes: {
        name: suite.name,
        ...counts,
        time: '0',
        ...(context.now ? { timestamp: context.now.toISOString() } : {}),
        ...(suite.file && dialect === 'extended' ? { file: suite.file } : {}),
      },
      children: testcases,
    };
  });
  const root: XmlElement = {
    name: 'testsuites',
    attributes:
      dialect === 'ant'
        ? undefined
        : {
            name: truncateText(options.name ?? 'sluice', 200),
            tests: all.length,
            failures: count(all, 'failure'),
            errors: count(all, 'error'),
            time: '0',
          },
    children: suiteElements,
  };
  return writeXml(root);
}

/**
 * JUnit XML for CI test views (Jenkins, GitLab, Azure DevOps, GitHub actions): a testsuite per
 * Flux Kustomization or HelmRelease (plus one for images outside Flux), a `Flux gate` testcase
 * with the object's own status, and a testcase per image with the manifest `file` and `line`;
 * failures carry a one-line message and a body listing every finding. A report spanning several
 * clusters has one testsuite per cluster instead, its testcases named `kind/namespace/name:
 * Flux gate` and `kind/namespace/name: <image>` (the classname is the object id). Names are
 * unique per suite, so GitLab keeps every test.
 */
export function junitReporter(options: JunitReporterOptions = {}): Reporter {
  return {
    name: 'junit',
    fileExtension: '.xml',
    mediaType: 'application/xml',
    render: (report, context) => renderJunit(report, options, context),
  };
}

// The subset of SARIF 2.1.0 that Sluice writes. Field order here is the order in the output.

/** A SARIF message. */
export interface SarifMessage {
  text: string;
  markdown?: string;
}

/** A SARIF result or notification level. */
export type SarifLevel = 'none' | 'note' | 'warning' | 'error';

/** A SARIF reportingDescriptor used as a rule. */
export interface SarifRule {
  id: string;
  name?: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  helpUri?: string;
  help: SarifMessage;
  defaultConfiguration: { level: SarifLevel };
  properties: Record<string, unknown>;
}

/** A SARIF physical location. */
export interface SarifLocation {
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId?: string };
    region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
  };
  message?: SarifMessage;
}

/** A SARIF result. */
export interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: 'external'; status: 'accepted'; justification: string }[];
  properties?: Record<string, unknown>;
}

/** A SARIF tool execution notification. */
export interface SarifNotification {
  level: SarifLevel;
  message: SarifMessage;
  descriptor: { id: string };
  locations?: SarifLocation[];
}

/** The SARIF log Sluice writes: one run. */
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: [SarifRun];
}

/** The one run of a Sluice SARIF log. */
export interface SarifRun {
  tool: {
    driver: {
      name: string;
      fullName: string;
      version: string;
      semanticVersion?: string;
      informationUri?: string;
      rules: SarifRule[];
    };
  };
  automationDetails: { id: string };
  originalUriBaseIds: Record<string, { uri?: string; description?: SarifMessage }>;
  columnKind: 'utf16CodeUnits';
  invocations: { executionSuccessful: boolean; toolExecutionNotifications?: SarifNotification[] }[];
  results: SarifResult[];
  properties: Record<string, unknown>;
}

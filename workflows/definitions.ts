/**
 * The workflow files are the single definition: CDK loads them with DefinitionBody.fromString +
 * definitionSubstitutions, and the local engine renders them with the same keys. This module is
 * the one place that knows their paths and their substitution keys.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const WORKFLOWS = {
  contactEvents: { file: join(__dirname, 'contact-events.asl.json'), name: 'chatline-contact-events', type: 'EXPRESS' },
  resumeChat: { file: join(__dirname, 'resume-chat.asl.json'), name: 'chatline-resume-chat', type: 'STANDARD' },
} as const;
export type WorkflowKey = keyof typeof WORKFLOWS;

/** Every `${Key}` the workflow files use, per file. A test checks the files use exactly these. */
export const SUBSTITUTION_KEYS = {
  contactEvents: ['RecordContactEventFunctionArn', 'ResumeChatStateMachineArn'],
  resumeChat: ['PlanResumptionFunctionArn', 'RecordOutcomeFunctionArn', 'RecordDescribedContactsFunctionArn', 'EventBusName', 'OutcomeEventSource'],
} as const satisfies Record<WorkflowKey, readonly string[]>;

export type Substitutions<K extends WorkflowKey> = Record<(typeof SUBSTITUTION_KEYS)[K][number], string>;

export function readDefinitionText(key: WorkflowKey): string {
  return readFileSync(WORKFLOWS[key].file, 'utf8');
}

/** The placeholders a definition text uses. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string))].sort();
}

/**
 * Replaces every `${Key}` as CloudFormation's DefinitionSubstitutions does. Values are
 * JSON-escaped (they sit inside JSON strings); an unknown or missing key throws.
 */
export function applySubstitutions(text: string, substitutions: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, key: string) => {
    const value = substitutions[key];
    if (value === undefined) throw new Error(`no substitution for \${${key}}`);
    return JSON.stringify(value).slice(1, -1);
  });
}

export function renderDefinition<K extends WorkflowKey>(key: K, substitutions: Substitutions<K>): unknown {
  return JSON.parse(applySubstitutions(readDefinitionText(key), substitutions));
}

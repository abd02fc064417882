/** Builds the sample app the way `cdk synth` does (cdk.json context loaded), into a temp out dir. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export const REPO_ROOT = join(__dirname, '..', '..');

/** A fresh App with the cdk.json feature flags (a test App does not read cdk.json by itself). */
export function newApp(extraContext: Record<string, string> = {}): App {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return new App({ context: { ...cdkJson.context, ...extraContext }, outdir: mkdtempSync(join(tmpdir(), 'chatline-cdk-')) });
}

export function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Sid?: string;
}

export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; Metadata?: unknown }>;

export const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Every statement of the inline policies attached to the role with this logical id. */
export function roleStatements(resources: Resources, roleLogicalId: string): Statement[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => asArray(r.Properties?.['Roles'] as unknown[]).some((ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleLogicalId })))
    .flatMap((r) => (r.Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement);
}

export function allStatements(resources: Resources): Statement[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((r) => (r.Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement);
}

/**
 * Resolves the intrinsics CloudFormation would, with fake physical values: `Ref X` and
 * `Fn::GetAtt [X, Arn]` become `arn:fake:X`; `Fn::Join` joins. Anything else is a test failure.
 */
export function resolveFake(value: unknown): string {
  if (typeof value === 'string') return value;
  const o = value as Record<string, unknown>;
  if ('Ref' in o) return `arn:fake:${String(o['Ref'])}`;
  if ('Fn::GetAtt' in o) return `arn:fake:${String((o['Fn::GetAtt'] as string[])[0])}`;
  if ('Fn::Join' in o) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map(resolveFake).join(sep);
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

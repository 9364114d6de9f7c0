/** Collects every problem found while walking one resource (validators never stop at the first). */
import type { IssueCode } from './codes.ts';
import { pathString, type PathNode } from './path.ts';

export interface RawIssue {
  readonly code: IssueCode;
  readonly fieldPath: string;
  readonly rule: string;
  readonly message: string;
}

export class IssueSink {
  readonly issues: RawIssue[] = [];

  add(code: IssueCode, at: PathNode | undefined, rule: string, message: string): void {
    this.issues.push({ code, fieldPath: pathString(at), rule, message });
  }
}

/** A short rendering of an offending value for messages. */
export function show(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

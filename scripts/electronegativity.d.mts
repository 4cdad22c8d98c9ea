// Types of scripts/electronegativity.mjs for its test.
export interface Finding {
  id: string;
  severity: 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL';
  confidence: 'CERTAIN' | 'FIRM' | 'TENTATIVE';
  file: string;
  line?: number;
  description: string;
  manualReview: boolean;
}
export const NETWORK_CHECKS: string[];
export function scanSet(base?: string): string[];
export function scan(files: string[], opts?: { base?: string; electronVersion?: string }): Promise<Finding[]>;

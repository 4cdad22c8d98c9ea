import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { endpointTable } from './openapi';

describe('docs/api.md', () => {
  it('lists every endpoint of the table as generated (run `npx tsx scripts/api-docs.ts` after changing shared/api.ts)', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/api.md'), 'utf8');
    expect(doc).toContain(endpointTable());
  });
});

// Rewrites the generated endpoint table in docs/api.md from shared/api.ts.
import fs from 'node:fs';
import path from 'node:path';
import { ENDPOINT_TABLE_END, ENDPOINT_TABLE_START, endpointTable } from '../electron/server/openapi';

const file = path.resolve(__dirname, '..', 'docs', 'api.md');
const text = fs.readFileSync(file, 'utf8');
const start = text.indexOf(ENDPOINT_TABLE_START);
const end = text.indexOf(ENDPOINT_TABLE_END);
if (start < 0 || end < 0) throw new Error(`${file}: the endpoint table markers are missing`);
fs.writeFileSync(file, text.slice(0, start) + endpointTable() + text.slice(end + ENDPOINT_TABLE_END.length));
console.log(`updated ${file}`);

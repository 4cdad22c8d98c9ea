// Store figures: opening + migrating a new database, seeding the demo book, importing a CSV.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importBook } from '../electron/core/book/importer';
import { seedDemoBook } from '../electron/core/demo/seed';
import { Store } from '../electron/core/store/store';
import { ms, report, rssMb } from './util';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'risk-desk-bench-'));
try {
  let t = process.hrtime.bigint();
  const store = Store.open(path.join(dir, 'bench.db'));
  report('open + migrate a new database', ms(process.hrtime.bigint() - t));

  t = process.hrtime.bigint();
  seedDemoBook(store);
  report('seed the demo book', ms(process.hrtime.bigint() - t));

  // 200 symbols x 500 days, wide layout.
  const symbols = Array.from({ length: 200 }, (_, i) => `S${i}`);
  const lines = [`date,${symbols.join(',')}`];
  const d = new Date('2024-01-01T00:00:00Z');
  for (let day = 0; day < 500; day++) {
    d.setUTCDate(d.getUTCDate() + 1);
    lines.push(`${d.toISOString().slice(0, 10)},${symbols.map((_, i) => (100 + i + day * 0.01).toFixed(2)).join(',')}`);
  }
  const file = path.join(dir, 'wide.csv');
  fs.writeFileSync(file, lines.join('\n'));
  t = process.hrtime.bigint();
  const s = importBook(store, { prices: file });
  const elapsed = Number(process.hrtime.bigint() - t);
  report(`import ${s.prices.toLocaleString('en-US')} closes (wide CSV)`, ms(elapsed));
  report('import throughput', `${Math.round(s.prices / (elapsed / 1e9)).toLocaleString('en-US')} rows/s`);
  report('RSS', rssMb());
  store.close();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

// zod form of the metric contract in metrics.ts, for the API's OpenAPI document and
// for validating snapshots that cross a process boundary.
import { z } from 'zod';
import { CONCENTRATION_METRICS, METRIC_PATHS, SCALAR_METRICS, type RiskSnapshot } from './metrics';

const metricValue = z.number().finite().nullable();

export const RiskSnapshotSchema = z.object({
  ...(Object.fromEntries(SCALAR_METRICS.map((m) => [m, metricValue])) as Record<(typeof SCALAR_METRICS)[number], typeof metricValue>),
  concentration_risk: z.object(
    Object.fromEntries(CONCENTRATION_METRICS.map((m) => [m, metricValue])) as Record<(typeof CONCENTRATION_METRICS)[number], typeof metricValue>,
  ),
  portfolio_id: z.string(),
  as_of: z.string(),
  observations: z.number().int(),
  timestamp: z.string(),
  null_reasons: z.partialRecord(z.enum(METRIC_PATHS), z.string()),
  stale: z.boolean(),
});

// The schema and the interface must describe the same object.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const snapshotSchemaMatchesInterface: Same<z.infer<typeof RiskSnapshotSchema>, RiskSnapshot> = true;

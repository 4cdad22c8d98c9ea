// zod form of the metric contract in metrics.ts, for the API's OpenAPI document and
// for validating snapshots that cross a process boundary.
import { z } from 'zod';
import { CONCENTRATION_METRICS, METRIC_PATHS, type RiskDetail, SCALAR_METRICS, type RiskSnapshot } from './metrics';

const metricValue = z.number().finite().nullable();

const riskMetrics = {
  ...(Object.fromEntries(SCALAR_METRICS.map((m) => [m, metricValue])) as Record<(typeof SCALAR_METRICS)[number], typeof metricValue>),
  concentration_risk: z.object(
    Object.fromEntries(CONCENTRATION_METRICS.map((m) => [m, metricValue])) as Record<(typeof CONCENTRATION_METRICS)[number], typeof metricValue>,
  ),
};

export const RiskSnapshotSchema = z.object({
  ...riskMetrics,
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

const varBacktest = z.object({
  confidence: z.number(),
  days: z.number().int(),
  exceptions: z.number().int(),
  expected: z.number(),
  lr_statistic: z.number(),
  p_value: z.number(),
  passed: z.boolean(),
});

export const RiskDetailSchema = z.object({
  portfolio_id: z.string(),
  as_of: z.string(),
  observations: z.number().int(),
  metrics: z.object(riskMetrics),
  null_reasons: z.partialRecord(z.enum(METRIC_PATHS), z.string()),
  positions: z.array(
    z.object({
      symbol: z.string(),
      quantity: z.number(),
      multiplier: z.number(),
      price: z.number(),
      market_value: z.number(),
      weight: metricValue,
      component_var: z.object({ historical_95: metricValue, historical_99: metricValue, parametric_95: metricValue, parametric_99: metricValue }),
    }),
  ),
  correlation: z.object({ symbols: z.array(z.string()), matrix: z.array(z.array(metricValue)) }),
  backtest: z.object({ var_95: varBacktest.nullable(), var_99: varBacktest.nullable() }),
  detail_null_reasons: z.record(z.string(), z.string()),
});
export const detailSchemaMatchesInterface: Same<z.infer<typeof RiskDetailSchema>, RiskDetail> = true;

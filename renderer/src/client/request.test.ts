import { describe, expect, it } from 'vitest';
import { DeskClientError } from '../../../shared/client';
import { buildRequest, errorFromResponse } from './request';

describe('buildRequest', () => {
  it('puts path parameters in the path and the rest in the query string for GET', () => {
    expect(buildRequest('portfolios.history', { id: 'tech growth', metric: 'var_95', since: '2026-11-26T00:00:00Z' })).toEqual({
      method: 'GET',
      url: '/api/portfolios/tech%20growth/history?metric=var_95&since=2026-11-26T00%3A00%3A00Z',
    });
    expect(buildRequest('alerts.list', { status: 'TRIGGERED', portfolio_id: undefined })).toEqual({ method: 'GET', url: '/api/risk/alerts?status=TRIGGERED' });
    expect(buildRequest('health', {})).toEqual({ method: 'GET', url: '/api/health' });
  });

  it('sends a JSON body for POST and PUT without the path parameters', () => {
    expect(buildRequest('alerts.acknowledge', { id: 7, comment: 'on it' })).toEqual({ method: 'POST', url: '/api/risk/alerts/7/acknowledge', body: '{"comment":"on it"}' });
    const put = buildRequest('thresholds.update', { id: 3, portfolio_id: '*', metric_type: 'var_95', threshold_value: -0.05, comparison_type: 'less_than', severity: 'HIGH' });
    expect(put.method).toBe('PUT');
    expect(put.url).toBe('/api/risk/thresholds/3');
    expect(JSON.parse(put.body!)).not.toHaveProperty('id');
  });

  it('names a missing path parameter', () => {
    expect(() => buildRequest('portfolios.metrics', {} as never)).toThrow(/missing path parameter "id"/);
  });
});

describe('errorFromResponse', () => {
  it('keeps the server error code, message and per-field issues', () => {
    const e = errorFromResponse(400, 'Bad Request', { error: { code: 'bad_request', message: 'invalid input', issues: [{ field: 'threshold_value', reason: 'Expected number' }] } });
    expect(e).toBeInstanceOf(DeskClientError);
    expect(e).toMatchObject({ code: 'bad_request', status: 400, issues: [{ field: 'threshold_value', reason: 'Expected number' }] });
  });

  it('falls back to a code from the status when the body is not the contract shape', () => {
    expect(errorFromResponse(502, 'Bad Gateway', '<html>')).toMatchObject({ code: 'internal', status: 502, message: 'HTTP 502 Bad Gateway' });
    expect(errorFromResponse(401, '', null)).toMatchObject({ code: 'unauthorized' });
  });
});

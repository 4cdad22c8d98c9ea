// Contract types the dashboard names often, derived from the endpoint table.
import type { EndpointOutput } from '../../shared/api';

export type PortfolioSummary = EndpointOutput<'portfolios.list'>[number];
export type Health = EndpointOutput<'health'>;
export type HistoryPoint = EndpointOutput<'portfolios.history'>['points'][number];

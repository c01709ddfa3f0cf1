import { createRoute, type AnyRoute } from '@tanstack/react-router';
import { searchText } from '../app/search-params';
import { ForecastsPage } from './pages/forecasts-page';

/** The forecast shown, in the address bar: period (default the current fiscal quarter), whose, compared with which snapshot. */
export interface ForecastSearch {
  period?: string;
  userId?: string;
  compareTo?: string;
}

export function validateForecastSearch(search: Record<string, unknown>): ForecastSearch {
  const values = { period: searchText(search.period), userId: searchText(search.userId), compareTo: searchText(search.compareTo) };
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as ForecastSearch;
}

/** The Forecasts page inside the signed-in app (Settings › Forecasts is mounted by the settings routes). */
export function forecastRoutes(parent: AnyRoute): AnyRoute[] {
  return [
    createRoute({ getParentRoute: () => parent, path: '/forecasts', component: ForecastsPage, validateSearch: validateForecastSearch }),
  ];
}

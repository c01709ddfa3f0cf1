import { createRoute, lazyRouteComponent, type AnyRoute } from '@tanstack/react-router';
import { searchText } from '../app/search-params';

/**
 * Reports and dashboards inside the signed-in app. The pages load on first visit: the chart library stays out of
 * the main bundle.
 */
export function reportsRoutes(parent: AnyRoute): AnyRoute[] {
  const route = (path: string, component: ReturnType<typeof lazyRouteComponent>) =>
    createRoute({ getParentRoute: () => parent, path, component });
  const builder = lazyRouteComponent(() => import('./pages/report-builder-page'), 'ReportBuilderPage');
  return [
    route(
      '/reports',
      lazyRouteComponent(() => import('./pages/reports-page'), 'ReportsPage'),
    ),
    createRoute({
      getParentRoute: () => parent,
      path: '/reports/new',
      component: builder,
      validateSearch: (search: Record<string, unknown>): { gallery?: string; folder?: string } => {
        const gallery = searchText(search.gallery);
        const folder = searchText(search.folder);
        return { ...(gallery === undefined ? {} : { gallery }), ...(folder === undefined ? {} : { folder }) };
      },
    }),
    route(
      '/reports/query',
      lazyRouteComponent(() => import('./pages/query-page'), 'QueryPage'),
    ),
    route(
      '/reports/$id',
      lazyRouteComponent(() => import('./pages/report-page'), 'ReportPage'),
    ),
    route('/reports/$id/edit', builder),
    route(
      '/dashboards',
      lazyRouteComponent(() => import('./pages/dashboards-page'), 'DashboardsPage'),
    ),
    route(
      '/dashboards/$id',
      lazyRouteComponent(() => import('./pages/dashboard-page'), 'DashboardPage'),
    ),
  ];
}

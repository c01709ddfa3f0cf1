import { createRoute, type AnyRoute } from '@tanstack/react-router';
import { RecordListPage } from './pages/record-list-page';
import { RecordPage } from './pages/record-page';
import { RecordCreatePage } from './pages/record-create-page';
import { DealsBoardPage } from './pages/deals-board-page';
import { CalendarPage } from './pages/calendar-page';

/** Record pages: lists, the create form, one record, the deals board and the calendar. */
export function recordsRoutes(parent: AnyRoute) {
  const route = (path: string, component: () => React.ReactNode) => createRoute({ getParentRoute: () => parent, path, component });
  return [
    route('/records/deals/board', DealsBoardPage),
    route('/records/$module', RecordListPage),
    route('/records/$module/new', RecordCreatePage),
    route('/records/$module/$id', RecordPage),
    route('/calendar', CalendarPage),
  ];
}

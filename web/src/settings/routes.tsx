import { createRoute, type AnyRoute } from '@tanstack/react-router';
import { SettingsLayout } from './pages/settings-layout';

/** Settings pages, under /settings; the layout shows the settings menu beside them. */
export function settingsRoutes(parent: AnyRoute) {
  const layout = createRoute({ getParentRoute: () => parent, path: '/settings', component: SettingsLayout });
  return [layout.addChildren([])];
}

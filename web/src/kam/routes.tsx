import { createRoute, type AnyRoute } from '@tanstack/react-router';
import { SurveysPage } from './pages/surveys-page';
import { SurveyPage } from './pages/survey-page';
import { CockpitPage } from './cockpit/cockpit-page';
import { validateCockpitSearch } from './cockpit/cockpit-search';

/** KAM pages inside the signed-in app: the cockpit (filters in the URL query), surveys and their results. */
export function kamRoutes(parent: AnyRoute): AnyRoute[] {
  // Plain string paths, like the other feature routes, so the router's global types stay loose.
  const route = (path: string, component: () => React.ReactNode) => createRoute({ getParentRoute: () => parent, path, component });
  return [
    createRoute({ getParentRoute: () => parent, path: '/kam', component: CockpitPage, validateSearch: validateCockpitSearch }),
    route('/kam/surveys', SurveysPage),
    route('/kam/surveys/$id', SurveyPage),
  ];
}

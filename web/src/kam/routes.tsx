import { createRoute, type AnyRoute } from '@tanstack/react-router';
import { SurveysPage } from './pages/surveys-page';
import { SurveyPage } from './pages/survey-page';

/** KAM pages inside the signed-in app: surveys and their results. */
export function kamRoutes(parent: AnyRoute) {
  // Plain string paths, like the other feature routes, so the router's global types stay loose.
  const route = (path: string, component: () => React.ReactNode) => createRoute({ getParentRoute: () => parent, path, component });
  return [route('/kam/surveys', SurveysPage), route('/kam/surveys/$id', SurveyPage)];
}

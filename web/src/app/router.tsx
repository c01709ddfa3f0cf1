import { createRootRoute, createRoute, createRouter, Outlet } from '@tanstack/react-router';
import { AuthenticatedLayout } from './layout/authenticated-layout';
import { PublicLayout } from './layout/public-layout';
import { NotFoundPage } from './not-found-page';
import { parseSearch, searchText, stringifySearch } from './search-params';
import { HomePage } from '../home/pages/home-page';
import { SetupPage } from '../auth/pages/setup-page';
import { SignInPage } from '../auth/pages/sign-in-page';
import { SignUpPage } from '../auth/pages/sign-up-page';
import { AcceptInvitePage } from '../auth/pages/accept-invite-page';
import { VerifyEmailPage } from '../auth/pages/verify-email-page';
import { ResetPasswordPage } from '../auth/pages/reset-password-page';
import { AccountPage } from '../account/pages/account-page';
import { settingsRoutes } from '../settings/routes';
import { ImportPage } from '../imports/import-page';
import { recordsRoutes } from '../records/routes';
import { SearchPage } from '../search/search-page';
import { inventoryRoutes } from '../crm/inventory/routes';
import { LeadConvertPage } from '../crm/pages/lead-convert-page';
import { MergePage } from '../crm/pages/merge-page';
import { kamRoutes } from '../kam/routes';
import { forecastRoutes } from '../forecasts/routes';
import { reportsRoutes } from '../reports/routes';
import { SurveyAnswerPage } from '../kam/pages/survey-answer-page';
import { ApprovalLinkPage, ApprovalsInboxPage } from '../automation/approvals';

const rootRoute = createRootRoute({ component: Outlet, notFoundComponent: NotFoundPage });

/** Pages for people who are not signed in. */
const publicLayout = createRoute({ getParentRoute: () => rootRoute, id: 'public', component: PublicLayout });
const tokenSearch = (search: Record<string, unknown>): { token?: string } => {
  const token = searchText(search.token);
  return token === undefined ? {} : { token };
};
const publicRoutes = [
  createRoute({ getParentRoute: () => publicLayout, path: '/setup', component: SetupPage }),
  createRoute({
    getParentRoute: () => publicLayout,
    path: '/sign-in',
    component: SignInPage,
    validateSearch: (search: Record<string, unknown>): { next?: string } => {
      const next = searchText(search.next);
      return next === undefined ? {} : { next };
    },
  }),
  createRoute({ getParentRoute: () => publicLayout, path: '/sign-up', component: SignUpPage }),
  createRoute({ getParentRoute: () => publicLayout, path: '/accept-invite', component: AcceptInvitePage, validateSearch: tokenSearch }),
  createRoute({ getParentRoute: () => publicLayout, path: '/verify-email', component: VerifyEmailPage, validateSearch: tokenSearch }),
  createRoute({ getParentRoute: () => publicLayout, path: '/reset-password', component: ResetPasswordPage, validateSearch: tokenSearch }),
  createRoute({ getParentRoute: () => publicLayout, path: '/survey', component: SurveyAnswerPage, validateSearch: tokenSearch }),
  createRoute({
    getParentRoute: () => publicLayout,
    path: '/approval',
    component: ApprovalLinkPage,
    validateSearch: (search: Record<string, unknown>): { token?: string; decision?: string } => ({
      ...tokenSearch(search),
      ...(searchText(search.decision) === undefined ? {} : { decision: searchText(search.decision) }),
    }),
  }),
];

/** Everything else needs a signed-in user and shows the app shell. */
export const appLayout = createRoute({ getParentRoute: () => rootRoute, id: 'app', component: AuthenticatedLayout });
const appRoutes = [
  createRoute({ getParentRoute: () => appLayout, path: '/', component: HomePage }),
  createRoute({ getParentRoute: () => appLayout, path: '/account', component: AccountPage }),
  createRoute({ getParentRoute: () => appLayout, path: '/approvals', component: ApprovalsInboxPage }),
  createRoute({
    getParentRoute: () => appLayout,
    path: '/search',
    validateSearch: (search: Record<string, unknown>): { q?: string } => {
      const q = searchText(search.q);
      return q === undefined ? {} : { q };
    },
    component: SearchPage,
  }),
  ...settingsRoutes(appLayout),
  createRoute({ getParentRoute: () => appLayout, path: '/import/$module', component: ImportPage }),
  ...recordsRoutes(appLayout),
  ...inventoryRoutes(appLayout),
  ...kamRoutes(appLayout),
  ...forecastRoutes(appLayout),
  ...reportsRoutes(appLayout),
  // CRM screens under /records (the record pages themselves come from web/src/records).
  createRoute({ getParentRoute: () => appLayout, path: '/records/leads/$id/convert', component: LeadConvertPage }),
  createRoute({ getParentRoute: () => appLayout, path: '/records/$module/merge', component: MergePage }),
];

const routeTree = rootRoute.addChildren([publicLayout.addChildren(publicRoutes), appLayout.addChildren(appRoutes)]);

// Search parameters stay readable in the address bar (?period=2026, not ?period=%222026%22).
export const router = createRouter({ routeTree, defaultPreload: 'intent', parseSearch, stringifySearch });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}

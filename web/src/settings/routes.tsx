import type { ReactNode } from 'react';
import { createRoute, lazyRouteComponent, redirect, type AnyRoute } from '@tanstack/react-router';
import { SettingsLayout } from './pages/settings-layout';
import { OrganizationPage } from './pages/organization-page';
import { UsersPage } from './pages/users-page';
import { RolesPage } from './pages/roles-page';
import { ProfilesPage } from './pages/profiles-page';
import { ProfilePage } from './pages/profile-page';
import { GroupsPage } from './pages/groups-page';
import { SharingPage } from './pages/sharing-page';
import { AuditLogPage } from './pages/audit-log-page';
import { MailOutboxPage } from './pages/mail-outbox-page';
import { WebhooksPage } from './pages/webhooks-page';
import { ModulesPage } from './pages/modules-page';
import { ModuleFieldsPage } from './pages/module-fields-page';
import { KamSettingsPage } from '../kam/pages/kam-settings-page';
import { AssignmentRulesPage } from '../automation/assignment/pages/assignment-rules-page';
import { EscalationRulesPage } from '../automation/escalation/pages/escalation-rules-page';
import { ApprovalProcessesPage } from '../automation/approvals/pages/approval-processes-page';
import { BlueprintsPage } from '../automation/blueprints/pages/blueprints-page';
import { WorkflowRulesPage } from '../automation/pages/workflow-rules-page';
import { ScoringRulesPage } from '../automation/scoring/pages/scoring-rules-page';
import { ForecastSettingsPage } from '../forecasts';
import { FunctionsPage } from '../automation/functions/pages/functions-page';
import { SchedulesPage } from '../automation/schedules/pages/schedules-page';

/** Settings pages, under /settings; the layout shows the settings menu beside them. */
export function settingsRoutes(parent: AnyRoute) {
  const layout = createRoute({ getParentRoute: () => parent, path: '/settings', component: SettingsLayout });
  const page = (path: string, component: () => ReactNode) => createRoute({ getParentRoute: () => layout, path, component });
  return [
    layout.addChildren([
      createRoute({
        getParentRoute: () => layout,
        path: '/',
        beforeLoad: () => {
          throw redirect({ to: '/settings/organization', replace: true });
        },
      }),
      page('/organization', OrganizationPage),
      page('/users', UsersPage),
      page('/roles', RolesPage),
      page('/profiles', ProfilesPage),
      page('/profiles/$id', ProfilePage),
      page('/groups', GroupsPage),
      page('/sharing', SharingPage),
      page('/audit-log', AuditLogPage),
      page('/mail-outbox', MailOutboxPage),
      page('/webhooks', WebhooksPage),
      page('/kam', KamSettingsPage),
      page('/automation/assignment-rules', AssignmentRulesPage),
      page('/automation/escalation-rules', EscalationRulesPage),
      page('/automation/approval-processes', ApprovalProcessesPage),
      page('/automation/blueprints', BlueprintsPage),
      // The visual editor loads on first visit: the graph library stays out of the main bundle.
      createRoute({
        getParentRoute: () => layout,
        path: '/automation/blueprints/$id',
        component: lazyRouteComponent(() => import('../automation/blueprints/pages/blueprint-editor-page'), 'BlueprintEditorPage'),
      }),
      page('/automation/scoring-rules', ScoringRulesPage),
      page('/automation/functions', FunctionsPage),
      page('/automation/schedules', SchedulesPage),
      page('/automation', WorkflowRulesPage),
      page('/forecasts', ForecastSettingsPage),
      page('/modules', ModulesPage),
      page('/modules/$module', ModuleFieldsPage),
    ]),
  ];
}

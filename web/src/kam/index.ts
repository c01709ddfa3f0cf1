/** What other features mount: the account panels (KPIs, health, relationship map, account plan) and the KAM settings page (routes are imported by the router directly). */
export { HealthPanel } from './components/health-panel';
export { RelationshipMapPanel } from './components/relationship-map-panel';
export { AccountPlanPanel } from './components/account-plan-panel';
export { AccountKpiPanel } from './components/account-kpi-panel';
export { KamSettingsPage } from './pages/kam-settings-page';
export { canSeeSurveys } from './permissions';

/** What other features mount: the settings page and the nav check (routes are imported by the router directly). */
export { ForecastSettingsPage } from './pages/forecast-settings-page';
export { canSeeForecasts } from './permissions';
